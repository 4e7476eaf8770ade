import { InProcessCommandSender } from '@app/adapters/embedded';
import { RABBITMQ_CONNECTION, RabbitMqEventRelay, RabbitMqTransportModule } from '@app/adapters/rabbitmq';
import { EventOutbox, REDIS_CLIENT, RedisClient, RedisEventOutboxRelay } from '@app/adapters/redis';
import { CommandSender, IntegrationEvents, RescoreOnChangeHandler } from '@app/credit-application';
import { AppConfig, EventFallback, RabbitMqPublisher, topologyOptions } from '@app/platform';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import { Backend, Probe, up } from './backend';

/**
 * What follows a stored change, past the ChangeNotifier every command awaits: with RABBITMQ_URL, the hand-over to
 * RabbitMQ (and, with Redis, an outbox for the events the broker could not take); without it, commands and the
 * re-scoring run in this process.
 */
export function transportBackend(config: AppConfig, processName: string): Backend {
  if (!config.rabbitmqUrl) {
    return {
      modules: [],
      providers: [{ provide: CommandSender, useClass: InProcessCommandSender }],
      probes: [{ name: 'transport', adapter: 'in-process', inject: [], check: up }],
      internal: [RescoreOnChangeHandler],
    };
  }
  const transport: Probe = {
    name: 'transport',
    adapter: 'rabbitmq',
    inject: [RABBITMQ_CONNECTION],
    check: async (c: AmqpConnectionManager) => (c.isConnected() ? 'up' : 'down'),
  };
  const backend: Backend = {
    modules: [RabbitMqTransportModule.forRoot(config.rabbitmqUrl, processName, topologyOptions(config))],
    providers: [],
    probes: [transport],
    internal: [{ provide: IntegrationEvents, useClass: RabbitMqEventRelay }],
  };
  if (!config.redis) return backend;
  // Events RabbitMQ could not take wait in Redis; whichever process relays (RUN_JOURNAL_RELAYS) publishes them.
  const { redisNamespace: namespace, redisJournalReplicas: replicas } = config;
  const relays = { autoStart: config.runJournalRelays };
  backend.providers.push(
    {
      provide: EventFallback,
      inject: [REDIS_CLIENT],
      useFactory: (r: RedisClient) => new EventOutbox(r, namespace, replicas),
    },
    {
      provide: RedisEventOutboxRelay,
      inject: [REDIS_CLIENT, RabbitMqPublisher],
      useFactory: (r: RedisClient, p: RabbitMqPublisher) => new RedisEventOutboxRelay(r, p, namespace, relays),
    },
  );
  const outbox: Probe = {
    name: 'eventOutbox',
    adapter: 'redis',
    inject: [RedisEventOutboxRelay],
    check: (r: RedisEventOutboxRelay) => r.health(),
  };
  backend.probes.unshift(outbox);
  return backend;
}
