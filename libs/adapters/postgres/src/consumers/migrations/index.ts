import { CreateConsumerTables1764000000000 } from './1764000000000-create-consumer-tables';
import { CreditorCnpjFormat1796410000000 } from './1796410000000-creditor-cnpj-format';
import { ConsumerDemoMark1796410000100 } from './1796410000100-consumer-demo-mark';
import { DebtNoticeAndSource1796500000000 } from './1796500000000-debt-notice-and-source';

/** Listed explicitly so the same migrations run from ts-node, the compiled build and tests alike. */
export const CONSUMER_MIGRATIONS = [
  CreateConsumerTables1764000000000,
  CreditorCnpjFormat1796410000000,
  ConsumerDemoMark1796410000100,
  DebtNoticeAndSource1796500000000,
];
