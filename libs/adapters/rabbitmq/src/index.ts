// RabbitMQ: the transport module, the change-event relay, partners' receipts and a message's verified sender.
export * from './broker-user';
export * from './partner-receipts';
export * from './rabbitmq-event.relay';
export * from './rabbitmq-transport.module';
export * from './verified-source';
