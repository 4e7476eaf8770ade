import { Cpf, DAY_MS, FixedClock } from '@app/shared-kernel';
import {
  InMemoryConsumerRepository,
  NOW,
  RecordingAuditLog,
  VALID_CPF,
  aConsumer,
  aMovementInput,
  aRating,
  anEvent,
  anInquiryInput,
  saveRating,
} from '@app/testing';
import { QueryBus } from '@nestjs/cqrs';
import {
  InMemoryRatingFeaturesRepository,
  InMemoryRatingRepository,
  InMemoryTransactionStore,
} from '@app/adapters/embedded';
import { GetConsumerHandler } from '../get-consumer/get-consumer.handler';
import { GetConsumerQuery } from '../get-consumer/get-consumer.query';
import { AuditEntryInput } from '../ports/audit-log';
import {
  GetSubjectConsultationsQuery,
  GetSubjectExportQuery,
  SubjectConsultations,
  SubjectExport,
} from './get-subject-export.query';
import { GetSubjectConsultationsHandler, GetSubjectExportHandler } from './subject-rights.handlers';

const cpf = Cpf.parse(VALID_CPF);

describe("the data subject's consultations and export", () => {
  let clock: FixedClock;
  let audit: RecordingAuditLog;
  let transactions: InMemoryTransactionStore;
  let ratings: InMemoryRatingRepository;
  let consumers: InMemoryConsumerRepository;

  beforeEach(async () => {
    clock = new FixedClock(NOW);
    audit = new RecordingAuditLog();
    transactions = new InMemoryTransactionStore();
    ratings = new InMemoryRatingRepository();
    consumers = new InMemoryConsumerRepository();
    await consumers.save(aConsumer());
  });

  const entryAt = async (daysAgo: number, overrides: Partial<AuditEntryInput>) => {
    const at = new Date(NOW.getTime() - daysAgo * DAY_MS);
    audit.now = () => at;
    await audit.record({
      clientId: 'Banco A',
      scope: 'analysis:read',
      purpose: 'CREDIT_GRANTING',
      cpf,
      action: 'READ',
      resource: 'ANALYSIS',
      outcome: 'SUCCESS',
      requestId: `r-${daysAgo}`,
      ...overrides,
    });
  };

  describe('consultations (Lei 12.414 art. 6 IV)', () => {
    const consultations = () => new GetSubjectConsultationsHandler(transactions, audit, clock);
    const allPages = async (limit: number) => {
      const pages: SubjectConsultations[] = [];
      let cursor: string | null = null;
      do {
        const page: SubjectConsultations = await consultations().execute(
          new GetSubjectConsultationsQuery(VALID_CPF, { limit, cursor }),
        );
        pages.push(page);
        cursor = page.nextCursor;
      } while (cursor);
      return pages;
    };

    it(
      'lists every read of the last six months however many writes the engine made, page by page, by the verified' +
        ' client',
      async () => {
        for (let i = 0; i < 7; i++) {
          await entryAt(i + 1, { clientId: i % 2 ? 'amqp:acme' : 'Banco A', requestId: `read-${i}` });
          for (let w = 0; w < 5; w++)
            await entryAt(i + 1, {
              clientId: 'rating-engine',
              action: 'WRITE',
              resource: 'RATING',
              purpose: null,
              requestId: `w-${i}-${w}`,
            });
        }
        await entryAt(200, { requestId: 'too-old' });
        await transactions.append(
          [1, 2, 3, 4, 5].map((d) =>
            anEvent(
              anInquiryInput({
                eventId: `inq-${d}`,
                occurredAt: new Date(NOW.getTime() - d * DAY_MS).toISOString(),
                purpose: d < 3 ? 'DATA_SUBJECT_REQUEST' : 'CREDIT_GRANTING',
              }),
            ),
          ),
        );
        const pages = await allPages(3);
        expect(pages).toHaveLength(3);
        expect(new Set(pages.map((p) => p.since))).toEqual(new Set(['2024-12-15T03:00:00.000Z']));
        const accesses = pages.flatMap((p) => p.accesses);
        expect(accesses).toHaveLength(7);
        expect(accesses.every((a) => a.action === 'READ' && a.client !== 'rating-engine')).toBe(true);
        expect(accesses.map((a) => a.client)).toContain('amqp:acme');
        const inquiries = pages.flatMap((p) => p.inquiries);
        expect(inquiries.map((i) => i.purpose)).toEqual([
          'DATA_SUBJECT_REQUEST',
          'DATA_SUBJECT_REQUEST',
          'CREDIT_GRANTING',
          'CREDIT_GRANTING',
          'CREDIT_GRANTING',
        ]);
      },
    );

    it('refuses a cursor it did not issue', async () => {
      await expect(
        consultations().execute(new GetSubjectConsultationsQuery(VALID_CPF, { limit: 10, cursor: 'bm90IGEgY3Vyc29y' })),
      ).rejects.toMatchObject({ code: 'CURSOR_INVALID', field: 'cursor' });
    });
  });

  describe('export (LGPD art. 18 II, 19 II)', () => {
    const exporter = () => {
      const queries = {
        execute: (q: GetConsumerQuery) => new GetConsumerHandler(consumers, clock).execute(q),
      } as unknown as QueryBus;
      return new GetSubjectExportHandler(
        queries,
        new InMemoryRatingFeaturesRepository(),
        ratings,
        transactions,
        audit,
        clock,
      );
    };

    it('hands over every event, inquiry, rating and audit entry, uncapped, each event with its source', async () => {
      const events = Array.from({ length: 23 }, (_, i) => {
        const fields = { eventId: `e-${i}`, occurredAt: new Date(NOW.getTime() - (i + 1) * DAY_MS).toISOString() };
        const event = anEvent(i % 4 === 0 ? anInquiryInput(fields) : aMovementInput(fields));
        return { ...event, source: i % 2 ? 'api:Banco A' : 'amqp:acme' };
      });
      await transactions.append(events);
      for (let i = 0; i < 12; i++)
        await saveRating(
          ratings,
          aRating({ score: 500 + i, generatedAt: new Date(NOW.getTime() - (12 - i) * DAY_MS) }),
        );
      for (let i = 0; i < 9; i++)
        await entryAt(i, {
          action: i % 3 ? 'READ' : 'WRITE',
          requestId: `a-${i}`,
          detail: i === 0 ? { kind: 'CORRECTION', reason: 'typo' } : null,
        });
      const pages: SubjectExport[] = [];
      let cursor: string | null = null;
      do {
        const page: SubjectExport = await exporter().execute(
          new GetSubjectExportQuery(VALID_CPF, { limit: 5, cursor }),
        );
        pages.push(page);
        cursor = page.nextCursor;
      } while (cursor);
      expect(pages).toHaveLength(5);
      const transactionsSeen = pages.flatMap((p) => p.transactions);
      expect(transactionsSeen.map((t) => t.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
      expect(transactionsSeen.every((t) => t.source === 'api:Banco A' || t.source === 'amqp:acme')).toBe(true);
      expect(pages.flatMap((p) => p.inquiries)).toHaveLength(6);
      expect(pages.flatMap((p) => p.ratings).map((r) => r.score)).toEqual(
        Array.from({ length: 12 }, (_, i) => 511 - i),
      );
      const accesses = pages.flatMap((p) => p.accesses);
      expect(accesses).toHaveLength(9);
      expect(accesses.find((a) => a.detail)?.detail).toEqual({ kind: 'CORRECTION', reason: 'typo' });
      expect(pages.every((p) => p.consumer?.name === 'Maria da Silva Santos')).toBe(true);
    });

    it('answers CONSUMER_NOT_FOUND when nothing at all is held', async () => {
      await expect(exporter().execute(new GetSubjectExportQuery('52998224725'))).rejects.toMatchObject({
        code: 'CONSUMER_NOT_FOUND',
      });
    });
  });
});
