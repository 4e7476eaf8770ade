export * from './domain-error';
export * from './cpf.value-object';
export * from './cnpj.value-object';
export * from './money.value-object';
export * from './clock';
export * from './ids';
export * from './calendar-date.value-object';
