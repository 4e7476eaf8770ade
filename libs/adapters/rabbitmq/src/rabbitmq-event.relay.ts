import {
  ConsumerDataChangedV1,
  CorrectionNoticeV1,
  DebtNoticeV1,
  DebtNoticesV1,
  EVENTS,
  EXCHANGES,
  MAX_NOTICES_PER_MESSAGE,
  QUEUES,
  RatingChangedV1,
  TransactionsIngestedV1,
} from '@app/contracts';
import { EventFallback, OutgoingEvent, RabbitMqPublisher, publishEvent } from '@app/platform';
import { Injectable, Logger, Optional } from '@nestjs/common';
import {
  ChangeEvent,
  IntegrationEvents,
  CorrectionNoticeEvent,
  DebtNoticeEvent,
  RatingChangedEvent,
} from '@app/credit-application';

/** How long a change waits for the broker's confirm before the outbox takes it, when there is one. */
export const HANDOFF_MS = 2_000;

/**
 * Between processes, change events travel over RabbitMQ: the rating worker re-scores from them and partners bind to
 * rating changes. Commands await publish() (ChangeNotifier), so it resolves as soon as the event is safe: confirmed by
 * the broker, or, when the broker has not confirmed within HANDOFF_MS, kept in the event outbox in Redis, from which a
 * relay publishes it once the broker is back. The first attempt goes on in the background meanwhile, so the event may
 * be published twice; its consumers only invalidate and re-score. Without an outbox the publisher's own retries (30 s)
 * are awaited, and an event still refused after them is logged and lost.
 */
@Injectable()
export class RabbitMqEventRelay extends IntegrationEvents {
  private readonly logger = new Logger(RabbitMqEventRelay.name);

  constructor(
    private readonly publisher: RabbitMqPublisher,
    @Optional() private readonly outbox?: EventFallback,
  ) {
    super();
  }

  async publish(event: ChangeEvent): Promise<void> {
    await this.send(outgoing(event), event.constructor.name);
  }

  /**
   * A batch of debt reports can register debts about thousands of consumers: their notices travel together, up to
   * MAX_NOTICES_PER_MESSAGE a message, since a message (and a broker confirm) per consumer would cost more than the
   * batch's own writes. The mailing system still sends one letter per noticeId.
   */
  override async publishMany(events: readonly ChangeEvent[]): Promise<void> {
    const notices = events.filter((e): e is DebtNoticeEvent => e instanceof DebtNoticeEvent);
    const messages = events
      .filter((e) => !(e instanceof DebtNoticeEvent))
      .map((e) => this.send(outgoing(e), e.constructor.name));
    for (let i = 0; i < notices.length; i += MAX_NOTICES_PER_MESSAGE) {
      messages.push(this.send(noticesMessage(notices.slice(i, i + MAX_NOTICES_PER_MESSAGE)), DebtNoticeEvent.name));
    }
    await Promise.all(messages);
  }

  private async send(message: OutgoingEvent, name: string): Promise<void> {
    const published = publishEvent(this.publisher, message).then(
      () => null,
      (error: unknown) => error as Error,
    );
    if (!this.outbox) {
      const error = await published;
      // The data is stored; only the notification is lost. The next change or a regeneration job re-scores the CPF.
      if (error) this.logger.error(`could not publish ${name}, and no outbox could keep it: ${error.message}`);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), HANDOFF_MS)));
    const first = await Promise.race([published, late]).finally(() => clearTimeout(timer));
    if (first === null) return;
    const reason = first === 'late' ? `no confirm within ${HANDOFF_MS} ms` : first.message;
    if (await this.outbox.keep(message)) {
      this.logger.warn(
        `could not publish ${name} (${reason}); kept in the event outbox, published when RabbitMQ is back`,
      );
      return;
    }
    const error = first === 'late' ? await published : first;
    if (error) this.logger.error(`could not publish ${name}, and the outbox could not keep it: ${error.message}`);
  }
}

function outgoing(event: ChangeEvent): OutgoingEvent {
  const ids = { correlationId: event.metadata.correlationId, causationId: event.metadata.causationId };
  if (event instanceof RatingChangedEvent) {
    const r = event.rating.props;
    const payload: RatingChangedV1 = {
      cpf: r.cpf.value,
      score: r.score,
      band: r.band,
      probabilityOfDefault: r.probabilityOfDefault,
      modelVersion: r.modelVersion,
      previousScore: event.previousScore,
      generatedAt: r.generatedAt.toISOString(),
    };
    return { exchange: EXCHANGES.events, routingKey: EVENTS.ratingChanged, payload, ...ids };
  }
  if (event instanceof CorrectionNoticeEvent) {
    const payload: CorrectionNoticeV1 = {
      correctionId: event.correctionId,
      cpf: event.cpf,
      field: event.field,
      ...(event.debtId ? { debtId: event.debtId } : {}),
      correctedAt: event.correctedAt.toISOString(),
      recipients: event.recipients.map((r) => ({ client: r.client, lastReadAt: r.lastReadAt.toISOString() })),
    };
    // To the commands exchange: it names a CPF and its consulters, and is for the notification service only.
    return { exchange: EXCHANGES.commands, routingKey: QUEUES.correctionNotices, payload, ...ids };
  }
  if (event instanceof DebtNoticeEvent) return noticesMessage([event]);
  if (event.dataClass === 'TRANSACTIONS') {
    const payload: TransactionsIngestedV1 = {
      batchId: event.metadata.causationId ?? event.metadata.correlationId,
      cpfs: event.cpfs,
    };
    return { exchange: EXCHANGES.events, routingKey: EVENTS.transactionsIngested, payload, ...ids };
  }
  const payload: ConsumerDataChangedV1 = { cpfs: event.cpfs, dataClass: event.dataClass };
  return {
    exchange: EXCHANGES.events,
    routingKey: EVENTS.consumerDataChanged,
    payload,
    correlationId: event.metadata.correlationId,
  };
}

/** To the commands exchange, as correction notices: it names people, addresses and debts, for the mailer only. */
function noticesMessage(events: readonly DebtNoticeEvent[]): OutgoingEvent {
  const notices = events.map((event): DebtNoticeV1 => ({
    noticeId: event.noticeId,
    cpf: event.cpf,
    name: event.name,
    address: { ...event.address },
    debts: event.debts,
    sentAt: event.sentAt.toISOString(),
    reportableFrom: event.reportableFrom.toISOString(),
  }));
  const { correlationId, causationId } = events[0]!.metadata;
  const payload: DebtNoticesV1 = { notices };
  return { exchange: EXCHANGES.commands, routingKey: QUEUES.debtNotices, payload, correlationId, causationId };
}
