// The domain alone (entities, value objects, the scorer and the model maths), framework-free: what tests' mothers,
// the model scripts and the benchmarks' data builders need, without loading any adapter.
export * from './access/api-key';
export * from './consumer/address.value-object';
export * from './consumer/cnpj.value-object';
export * from './consumer/consumer.entity';
export * from './consumer/debt.entity';
export * from './rating/rating';
export * from './rating/rating-features.entity';
export * from './rating/rating-head';
export * from './scoring/credit-scorer';
export * from './scoring/model/binning';
export * from './scoring/model/credit-model-artefact';
export * from './scoring/model/logistic-regression';
export * from './scoring/model/metrics';
export * from './scoring/model/prng';
export * from './scoring/model/scorecard';
export * from './scoring/model/stratified-k-fold';
export * from './scoring/reason-texts';
export * from './scoring/scoring-facts';
export * from './scoring/woe-logistic-scorer';
export * from './transactions/transaction-event';
export * from './transactions/transaction-summary';
