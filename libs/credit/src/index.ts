// The composition root: CreditModule binds every port to the adapters this process's configuration picks.
export * from './credit.module';
