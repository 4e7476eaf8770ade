import { MessageMetadata } from '@app/shared-kernel';

/**
 * Data about a CPF was corrected after clients had received it: each must be told, so the wrong data does not go on
 * deciding credit (CDC art. 43 §3: within five working days; LGPD art. 18 §6). A notification service outside this
 * repository consumes the queue and contacts them.
 */
export class CorrectionNoticeEvent {
  constructor(
    readonly correctionId: string,
    readonly cpf: string,
    readonly field: 'name' | 'address' | 'debt',
    readonly debtId: string | null,
    readonly correctedAt: Date,
    readonly recipients: { client: string; lastReadAt: Date }[],
    readonly metadata: MessageMetadata,
  ) {}
}
