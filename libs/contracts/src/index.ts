export * from './topology';
export * from './partners';
export * from './messages';
export * from './payload-validator';
export * from './receipts';
export * as Schemas from './schemas';
