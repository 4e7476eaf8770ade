export * from './unique-cpf';
export * from './transaction-store.contract';
export * from './rating-stores.contract';
export * from './stores.contract';
export * from './rabbit-vhost';
export * from './test-keys';
export * from './wait-for';
export * from '../collect-pages';
