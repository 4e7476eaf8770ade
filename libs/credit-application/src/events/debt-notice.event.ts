import { MessageMetadata } from '@app/shared-kernel';
import { createHash } from 'node:crypto';
import { AddressProps, Debt } from '@app/credit-domain';

interface NoticedDebt {
  debtId: string;
  creditor: string;
  creditorCnpj: string;
  amountCents: number;
  dueDate: string;
}

/**
 * Debts were registered about a consumer who must be told before they may be reported (CDC art. 43 §2; STJ Súmula
 * 359): the operator's mailing system consumes these and sends the letter to the address held. One notice per
 * consumer per batch. A notice sent again (a redelivered batch) has the same id, so the mailer sends one letter.
 */
export class DebtNoticeEvent {
  constructor(
    readonly noticeId: string,
    readonly cpf: string,
    readonly name: string,
    readonly address: AddressProps,
    readonly debts: NoticedDebt[],
    readonly sentAt: Date,
    readonly reportableFrom: Date,
    readonly metadata: MessageMetadata,
  ) {}

  static of(
    cpf: string,
    contact: { name: string; address: AddressProps },
    debts: readonly Debt[],
    sentAt: Date,
    metadata: MessageMetadata,
  ): DebtNoticeEvent {
    const reportableFrom = debts.reduce((max, d) => Math.max(max, d.props.reportableFrom?.getTime() ?? 0), 0);
    const identity = debts
      .map((d) => `${d.id}@${d.props.reportableFrom?.toISOString()}`)
      .sort()
      .join('\n');
    const noticeId = `notice-${createHash('sha256').update(`${cpf}\n${identity}`).digest('hex').slice(0, 40)}`;
    const noticed = debts.map((d) => ({
      debtId: d.id,
      creditor: d.props.creditor,
      creditorCnpj: d.props.creditorCnpj,
      amountCents: d.props.amount.cents,
      dueDate: d.props.dueDate.toString(),
    }));
    const { name, address } = contact;
    return new DebtNoticeEvent(noticeId, cpf, name, address, noticed, sentAt, new Date(reportableFrom), metadata);
  }
}
