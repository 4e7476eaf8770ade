export * from './app-config';
export * from './redact';
export * from './redacting.logger';
export * from './rabbitmq';
export * from './worker';
export * from './crypto';
export * from './throttled-warning';
export * from './startup-timer';
