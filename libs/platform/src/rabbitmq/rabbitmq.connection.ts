import { Logger } from '@nestjs/common';
import amqp, { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import { assertTopology, TopologyOptions } from './rabbitmq.topology';

/**
 * One managed connection per process: amqp-connection-manager reconnects after a broker restart, re-runs the channel
 * setup (topology, prefetch, consumers) and holds publishes until the channel is back.
 */
export function connectRabbitMq(url: string, name: string): AmqpConnectionManager {
  const logger = new Logger(`RabbitMQ:${name}`);
  const connection = amqp.connect([url], { heartbeatIntervalInSeconds: 10, reconnectTimeInSeconds: 1, connectionOptions: { clientProperties: { connection_name: name } } });
  connection.on('connect', () => logger.log('connected'));
  connection.on('disconnect', ({ err }) => logger.warn(`disconnected: ${err?.message ?? 'closed'}; reconnecting`));
  connection.on('connectFailed', ({ err }) => logger.warn(`connection failed: ${err?.message}; retrying`));
  return connection;
}

export function confirmChannel(
  connection: AmqpConnectionManager,
  topology: TopologyOptions,
  setup?: (channel: ConfirmChannel) => Promise<void>,
  extraQueues: string[] = [],
): ChannelWrapper {
  return connection.createChannel({
    json: false,
    confirm: true,
    setup: async (channel: ConfirmChannel) => {
      await assertTopology(channel, topology, extraQueues);
      if (setup) await setup(channel);
    },
  });
}
