import type { LinkObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/**
 * OpenAPI links: which operation a client (and schemathesis's stateful phase) can call next with a value from this
 * request or response. Operation ids are `<Controller>_<method>` (bootstrap's operationIdFactory); a test checks that
 * each link names an operation that exists and only parameters it takes.
 */
const sameCpf = (operationId: string, description: string): LinkObject => ({
  operationId,
  parameters: { cpf: '$request.path.cpf' },
  description,
});

/** After a consumer is written: everything held or derived for that CPF. */
export const CONSUMER_WRITTEN_LINKS: Record<string, LinkObject> = {
  GetConsumer: sameCpf('Consumers_get', 'The consumer as stored'),
  PutRatingFeatures: sameCpf('Consumers_putFeatures', 'Rating inputs for the same CPF'),
  GetCreditAnalysis: sameCpf('CreditAnalyses_get', 'The analysis of the same CPF'),
  GetTransactions: sameCpf('Consumers_transactions', 'Events of the same CPF'),
  GetInquiries: sameCpf('Consumers_inquiries', 'Who consulted the same CPF'),
  GetConsultations: sameCpf('Subjects_consultations', "The data subject's view of who consulted them"),
  GetExport: sameCpf('Subjects_export', 'Everything held about the same CPF'),
  CorrectConsumer: sameCpf('Subjects_correct', 'Correct the name or address just written'),
};

/** After rating inputs are written: the rating and the analysis they feed. */
export const FEATURES_WRITTEN_LINKS: Record<string, LinkObject> = {
  GetRating: sameCpf('Consumers_rating', 'The rating computed from these inputs (once re-scored)'),
  GetCreditAnalysis: sameCpf('CreditAnalyses_get', 'The analysis of the same CPF'),
};

const firstEventCpf = (operationId: string, description: string): LinkObject => ({
  operationId,
  parameters: { cpf: '$request.body#/events/0/cpf' },
  description,
});

/** After a batch is accepted: the first event's CPF, its trail, and registering the person it belongs to. */
export const BATCH_ACCEPTED_LINKS: Record<string, LinkObject> = {
  GetTransactions: firstEventCpf('Consumers_transactions', "Events of the first event's CPF"),
  PutConsumer: firstEventCpf('Consumers_put', "Register the consumer of the first event's CPF"),
  PutRatingFeatures: firstEventCpf('Consumers_putFeatures', "Rating inputs for the first event's CPF"),
  GetCreditAnalysis: firstEventCpf('CreditAnalyses_get', "The analysis of the first event's CPF"),
};

/** After a regeneration job is registered: its progress, and resuming it. */
export const JOB_STARTED_LINKS: Record<string, LinkObject> = {
  GetJob: { operationId: 'Ratings_get', parameters: { id: '$response.body#/id' }, description: 'Progress of the job' },
  ResumeJob: {
    operationId: 'Ratings_resume',
    parameters: { id: '$response.body#/id' },
    description: 'Resume the job once it failed or stalled',
  },
};
