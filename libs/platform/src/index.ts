export * from './app-config';
export * from './redact';
export * from './redacting.logger';
