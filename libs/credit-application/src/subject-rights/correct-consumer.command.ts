import { MessageMetadata } from '@app/shared-kernel';
import { Command } from '@nestjs/cqrs';
import { AddressProps } from '@app/credit-domain';
import { AuditDetail } from '../ports/audit-log';

/** What of a debt a correction changes; fields left out keep their value. */
export interface DebtCorrectionInput {
  creditor?: string;
  creditorCnpj?: string;
  amountCents?: number;
  dueDate?: string;
  status?: string;
  limitationDate?: string | null;
}

export type Correction =
  | { field: 'name'; value: string }
  | { field: 'address'; value: AddressProps }
  /** null cancels the debt: it was never the subject's (Lei 12.414 art. 5 III: correction or cancellation). */
  | { field: 'debt'; debtId: string; value: DebtCorrectionInput | null };

export interface CorrectionResult {
  field: Correction['field'];
  changed: boolean;
  /** Stable for a repeated identical correction, so recipients can tell a repeat notice. */
  correctionId: string;
  /** Who received the wrong data in the last six months and is notified (CDC art. 43 §3, LGPD art. 18 §6). */
  recipients: string[];
  /** What the request's audit entry keeps: reason, before and after (encrypted by the log, never a CPF). */
  audit: AuditDetail;
}

/** The data subject's right to have wrong data corrected or cancelled (LGPD art. 18 III; Lei 12.414 art. 5 III). */
export class CorrectConsumerCommand extends Command<CorrectionResult> {
  constructor(
    readonly cpf: string,
    readonly correction: Correction,
    readonly reason: string,
    readonly metadata: MessageMetadata,
  ) {
    super();
  }
}
