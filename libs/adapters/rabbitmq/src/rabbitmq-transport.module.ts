import { AmqpConnectionManager } from 'amqp-connection-manager';
import { RabbitMqPublisher, TopologyOptions, brokerUserOf, connectRabbitMq } from '@app/platform';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { CommandSender } from '@app/credit-application';
import { BROKER_USER } from './broker-user';
import { PartnerReceipts } from './partner-receipts';
import { RabbitMqCommandSender } from './rabbitmq-command.sender';

export { BROKER_USER };

export const RABBITMQ_CONNECTION = Symbol('RABBITMQ_CONNECTION');

/** The production transport: commands and events over RabbitMQ, with one managed connection per process. */
@Module({})
export class RabbitMqTransportModule implements OnApplicationShutdown {
  constructor(
    @Inject(RABBITMQ_CONNECTION) private readonly connection: AmqpConnectionManager,
    private readonly publisher: RabbitMqPublisher,
  ) {}

  /** url: one node, or the nodes of one cluster separated by commas; topology: the queues every process declares. */
  static forRoot(url: string, processName: string, topology: TopologyOptions): DynamicModule {
    return {
      module: RabbitMqTransportModule,
      providers: [
        { provide: RABBITMQ_CONNECTION, useFactory: () => connectRabbitMq(url, processName) },
        { provide: BROKER_USER, useValue: brokerUserOf(url) },
        {
          provide: RabbitMqPublisher,
          inject: [RABBITMQ_CONNECTION],
          useFactory: async (connection: AmqpConnectionManager) => {
            const publisher = new RabbitMqPublisher(connection, topology);
            await publisher.waitForConnect();
            return publisher;
          },
        },
        { provide: CommandSender, useClass: RabbitMqCommandSender },
        PartnerReceipts,
      ],
      exports: [RabbitMqPublisher, CommandSender, RABBITMQ_CONNECTION, BROKER_USER, PartnerReceipts],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close();
    await this.connection.close();
  }
}
