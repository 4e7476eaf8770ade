export * from './broker-user';
export * from './partner-receipts';
export * from './rabbitmq-event.relay';
export * from './rabbitmq-transport.module';
export * from './verified-source';
