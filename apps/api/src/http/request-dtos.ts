import { AddressDto, DebtDto, UpsertConsumerDto } from '../consumers/consumer.dto';
import { AssetDto, IncomeSourceDto, UpsertRatingFeaturesDto } from '../consumers/rating-features.dto';
import { DebtCorrectionDto } from '../subjects/debt-correction.dto';
import { ConsumerRecordsDto, DebtReportsDto } from '../feeds/feed.dto';
import { SubjectPageQueryDto } from '../subjects/subjects.controller';
import { IngestBatchDto, InquiriesQueryDto, TransactionsQueryDto } from '../transactions/transaction.dto';

/**
 * Every class the validation pipe checks a request body against that has a schema of its name in the contract. The
 * regeneration request and the correction are written as unions where they are declared, their rules spelled there.
 */
export const REQUEST_BODY_DTOS: Function[] = [
  UpsertConsumerDto,
  AddressDto,
  DebtDto,
  UpsertRatingFeaturesDto,
  AssetDto,
  IncomeSourceDto,
  IngestBatchDto,
  DebtCorrectionDto,
  DebtReportsDto,
  ConsumerRecordsDto,
];

/** Every class the validation pipe checks a query string against. */
export const QUERY_DTOS: Function[] = [TransactionsQueryDto, InquiriesQueryDto, SubjectPageQueryDto];
