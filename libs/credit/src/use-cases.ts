import {
  CorrectConsumerHandler,
  GetConsumerHandler,
  GetCreditAnalysisHandler,
  GetInquiriesHandler,
  GetRatingHandler,
  GetRatingJobHandler,
  GetSubjectConsultationsHandler,
  GetSubjectExportHandler,
  GetTransactionsHandler,
  IngestTransactionsHandler,
  RatePartitionHandler,
  RecordConsumersHandler,
  RegenerateRatingsHandler,
  ReportDebtsHandler,
  ResumeRatingRegenerationHandler,
  StartRatingRegenerationHandler,
  UpsertConsumerHandler,
  UpsertRatingFeaturesHandler,
} from '@app/credit-application';
import { CreditModelArtefact, CreditScorer, WoeLogisticScorer } from '@app/credit-domain';
import { ConfigError } from '@app/platform';
import { readFileSync } from 'node:fs';

export const COMMAND_HANDLERS = [
  CorrectConsumerHandler,
  ResumeRatingRegenerationHandler,
  IngestTransactionsHandler,
  UpsertConsumerHandler,
  UpsertRatingFeaturesHandler,
  StartRatingRegenerationHandler,
  RegenerateRatingsHandler,
  RatePartitionHandler,
  ReportDebtsHandler,
  RecordConsumersHandler,
];
export const QUERY_HANDLERS = [
  GetSubjectExportHandler,
  GetSubjectConsultationsHandler,
  GetCreditAnalysisHandler,
  GetConsumerHandler,
  GetRatingHandler,
  GetTransactionsHandler,
  GetInquiriesHandler,
  GetRatingJobHandler,
];

/** The scorer of this process: the built-in model, or the artefact a model release points SCORING_MODEL_PATH at. */
export function scorerFrom(path: string | null): CreditScorer {
  if (!path) return new WoeLogisticScorer();
  try {
    return new WoeLogisticScorer(JSON.parse(readFileSync(path, 'utf8')) as CreditModelArtefact);
  } catch (error) {
    throw new ConfigError(`SCORING_MODEL_PATH=${path} is not a usable model artefact: ${(error as Error).message}`);
  }
}
