import { CreateConsumerTables1764000000000 } from './1764000000000-create-consumer-tables';

/** Listed explicitly so the same migrations run from ts-node, the compiled build and tests alike. */
export const CONSUMER_MIGRATIONS = [CreateConsumerTables1764000000000];
