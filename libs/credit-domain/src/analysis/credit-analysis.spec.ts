import { NOW, TODAY, aConsumer, aDebt, aRating, aRatingFeatures, daysAgo, daysAhead } from '@app/testing';
import { TransactionSummary, emptyMovementWindow } from '../transactions/transaction-summary';
import { assembleCreditAnalysis, ratingView } from './credit-analysis';

const summary = (overrides: Partial<TransactionSummary> = {}): TransactionSummary => ({
  lastInquiry: null,
  inquiriesLast6Months: 0,
  movements30d: emptyMovementWindow(),
  movements90d: emptyMovementWindow(),
  lastCardPurchase: null,
  cardPurchases90d: { count: 0, approvedCount: 0, declinedCount: 0, approvedAmountCents: 0 },
  ...overrides,
});

describe('assembleCreditAnalysis', () => {
  const consumer = aConsumer({
    debts: [
      aDebt({ id: 'recent', status: 'OVERDUE', amountCents: 1_000, dueDate: daysAgo(40) }),
      aDebt({ id: 'upcoming', status: 'OPEN', amountCents: 2_000, dueDate: daysAhead(10) }),
      aDebt({ id: 'ancient', status: 'OVERDUE', amountCents: 50_000, dueDate: TODAY.plusYears(-5).plusDays(-1) }),
      aDebt({
        id: 'prescribed',
        status: 'OVERDUE',
        amountCents: 60_000,
        dueDate: daysAgo(800),
        limitationDate: daysAgo(1),
      }),
    ],
  });

  it('lists only reportable debts: none due five years ago or more, none past its limitation date', () => {
    const analysis = assembleCreditAnalysis(consumer, null, null, summary(), NOW);
    expect(analysis.debts.items.map((d) => d.id)).toEqual(['recent', 'upcoming']);
    expect(JSON.stringify(analysis)).not.toContain('ancient');
    expect(JSON.stringify(analysis)).not.toContain('prescribed');
  });

  it('describes each reportable debt with its due day and days overdue', () => {
    const [recent] = assembleCreditAnalysis(consumer, null, null, summary(), NOW).debts.items;
    expect(recent).toEqual({
      id: 'recent',
      creditor: 'Banco Horizonte S.A.',
      creditorCnpj: '11222333000181',
      amountCents: 1_000,
      dueDate: daysAgo(40).toString(),
      status: 'OVERDUE',
      daysOverdue: 40,
    });
  });

  it('summarises the same reportable debts it lists', () => {
    const analysis = assembleCreditAnalysis(consumer, null, null, summary(), NOW);
    expect(analysis.debts.summary).toEqual(consumer.debtSummary(NOW));
    expect(analysis.debts.summary.reportableCount).toBe(analysis.debts.items.length);
    expect(analysis.debts.summary.overdueAmountCents).toBe(1_000);
  });

  it('identifies the consumer by formatted CPF and name, stamped with the time of assembly', () => {
    const analysis = assembleCreditAnalysis(consumer, null, null, summary(), NOW);
    expect(analysis).toMatchObject({
      cpf: '123.456.789-09',
      name: 'Maria da Silva Santos',
      generatedAt: NOW.toISOString(),
    });
  });

  it('has no rating and no profile when neither exists', () => {
    const analysis = assembleCreditAnalysis(consumer, null, null, summary(), NOW);
    expect(analysis.rating).toBeNull();
    expect(analysis.profile).toBeNull();
  });

  it('shows the profile aggregates of the rating features, never the raw items', () => {
    const features = aRatingFeatures({
      assets: [
        { kind: 'REAL_ESTATE', valueCents: 30_000_000, financed: true, outstandingCents: 10_000_000 },
        { kind: 'INVESTMENT', valueCents: 500_000, financed: false, outstandingCents: 0 },
      ],
    });
    const analysis = assembleCreditAnalysis(consumer, features, null, summary(), NOW);
    expect(analysis.profile).toEqual({
      ageYears: 35,
      monthlyIncomeCents: 600_000,
      incomeSourceCount: 1,
      assetsValueCents: 30_500_000,
      assetsOutstandingCents: 10_000_000,
    });
  });

  it('shows the latest rating as its view', () => {
    const rating = aRating({ score: 810, band: 'A' });
    const analysis = assembleCreditAnalysis(consumer, null, rating, summary(), NOW);
    expect(analysis.rating).toEqual(ratingView(rating));
    expect(analysis.rating).toMatchObject({
      score: 810,
      band: 'A',
      modelVersion: 'test-1',
      generatedAt: NOW.toISOString(),
    });
  });

  it('passes the transaction summary through', () => {
    const tx = summary({ inquiriesLast6Months: 3 });
    expect(assembleCreditAnalysis(consumer, null, null, tx, NOW).transactions).toBe(tx);
  });
});
