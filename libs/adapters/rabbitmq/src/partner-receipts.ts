import { BatchReceiptV1, batchReceipt, receiptsQueue } from '@app/contracts';
import { RabbitMqPublisher, redactCpfs } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { FeedBatchResult, amqpSource } from '@app/credit-application';
import { BROKER_USER } from './broker-user';

/** The type property of a receipt message. */
const RECEIPT_TYPE = 'credit.receipt.v1';

/**
 * Receipts go to the sender's own queue (`partner.<user>.receipts`, created with the partner), through the default
 * exchange, confirmed before the batch is acknowledged: a batch redelivered after a crash is answered again.
 */
@Injectable()
export class PartnerReceipts {
  constructor(
    private readonly publisher: RabbitMqPublisher,
    @Inject(BROKER_USER) private readonly platformUser: string,
  ) {}

  /** Whether `user` gets receipts: any verified broker user but the platform's (the API answers REST clients). */
  private receives(user: string | undefined): user is string {
    return !!user && user !== this.platformUser;
  }

  /**
   * Sends the receipt of a batch to the partner whose data it is: the broker user of an `amqp:` source (the sender, or
   * the partner a replayed dead letter names); none for a REST client's data or the platform's own.
   */
  async send(source: string, queue: string, result: FeedBatchResult, correlationId?: string): Promise<void> {
    const prefix = amqpSource('');
    const user = source.startsWith(prefix) ? source.slice(prefix.length) : undefined;
    if (!this.receives(user)) return;
    const rejected = result.rejected.map((r) => ({ ...r, reason: redactCpfs(r.reason) }));
    const receipt: BatchReceiptV1 = batchReceipt(queue, { ...result, rejected }, new Date());
    const options = { correlationId, causationId: result.batchId, type: RECEIPT_TYPE };
    await this.publisher.publish('', receiptsQueue(user), receipt, options);
  }
}
