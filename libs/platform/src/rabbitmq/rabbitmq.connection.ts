import { Logger } from '@nestjs/common';
import amqp, { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import { serverUrls } from '../app-config';
import { assertTopology, TopologyOptions } from './rabbitmq.topology';

/**
 * One managed connection per process: amqp-connection-manager reconnects after a broker restart, re-runs the channel
 * setup (topology, prefetch, consumers) and holds publishes until the channel is back. `url` may name the nodes of a
 * cluster, separated by commas: each reconnection tries the next one, so losing a node moves the process to another.
 */
export function connectRabbitMq(url: string, name: string): AmqpConnectionManager {
  const logger = new Logger(`RabbitMQ:${name}`);
  const connection = amqp.connect(serverUrls(url), {
    heartbeatIntervalInSeconds: 10,
    reconnectTimeInSeconds: 1,
    connectionOptions: { clientProperties: { connection_name: name } },
  });
  connection.on('connect', ({ url: node }) => {
    logger.log(`connected to ${typeof node === 'string' ? new URL(node).host : 'RabbitMQ'}`);
  });
  connection.on('disconnect', ({ err }) => logger.warn(`disconnected: ${err?.message ?? 'closed'}; reconnecting`));
  connection.on('connectFailed', ({ err }) => logger.warn(`connection failed: ${err?.message}; retrying`));
  return connection;
}

/**
 * The broker user a URL logs in as (amqplib's default, guest, when it names none): what RabbitMQ accepts as the
 * `user_id` of this connection's messages.
 */
export function brokerUserOf(url: string): string {
  return decodeURIComponent(new URL(serverUrls(url)[0]!).username) || 'guest';
}

export function confirmChannel(
  connection: AmqpConnectionManager,
  topology: TopologyOptions,
  setup?: (channel: ConfirmChannel) => Promise<void>,
  extraQueues: string[] = [],
): ChannelWrapper {
  const wrapper = connection.createChannel({
    json: false,
    confirm: true,
    setup: async (channel: ConfirmChannel) => {
      await assertTopology(channel, topology, extraQueues);
      if (setup) await setup(channel);
    },
  });
  // ChannelWrapper reports a failed setup (a queue declared with other arguments, no permission on the virtual host)
  // as an 'error' event. Without a listener that event kills the process with the broker's raw reply; with it the
  // reason is logged, and channelReady() turns it into a failed start-up.
  const logger = new Logger('RabbitMQ');
  wrapper.on('error', (error: Error) => logger.error(`channel set-up failed: ${error.message}`));
  return wrapper;
}

/**
 * Resolves once the channel is set up. A set-up the broker refuses rejects it with the reason, instead of waiting
 * for a 'connect' that will never come (the broker closed the channel, and only an operator can change that).
 */
export function channelReady(wrapper: ChannelWrapper): Promise<void> {
  return new Promise((resolve, reject) => {
    wrapper.once('error', reject);
    wrapper.waitForConnect().then(() => {
      wrapper.off('error', reject);
      resolve();
    }, reject);
  });
}
