export * from './topology';
export * from './messages';
export * from './payload-validator';
export * as Schemas from './schemas';
