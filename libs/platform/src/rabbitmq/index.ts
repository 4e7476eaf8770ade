export * from './rabbitmq.connection';
export * from './rabbitmq.publisher';
export * from './rabbitmq.server';
export * from './rabbitmq.topology';
export * from './rpc-error.filter';
export * from './outgoing-event';
