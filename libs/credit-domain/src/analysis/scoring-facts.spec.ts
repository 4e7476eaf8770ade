// buildScoringFacts lives in domain/scoring/, which another person owns; its unit tests live here, beside its main
// consumer.
import { NOW, TODAY, aConsumer, aDebt, aRatingFeatures, daysAgo, daysAhead } from '@app/testing';
import { buildScoringFacts } from '../scoring/scoring-facts';
import { TransactionSummary, emptyMovementWindow, scoringActivityOf } from '../transactions/transaction-summary';

const summary: TransactionSummary = {
  lastInquiry: null,
  inquiriesLast6Months: 4,
  movements30d: emptyMovementWindow(),
  movements90d: { inflowCents: 900_000, outflowCents: 300_000, count: 5, byKind: {} },
  lastCardPurchase: null,
  cardPurchases90d: { count: 7, approvedCount: 5, declinedCount: 2, approvedAmountCents: 45_000 },
};

describe('buildScoringFacts', () => {
  it('has no age and only transaction facts when there is neither consumer nor features', () => {
    expect(buildScoringFacts(null, null, scoringActivityOf(summary), NOW)).toEqual({
      ageYears: null,
      monthlyIncomeCents: 0,
      incomeSourceCount: 0,
      longestIncomeMonths: 0,
      assetsValueCents: 0,
      assetsOutstandingCents: 0,
      realEstateCount: 0,
      openDebtCount: 0,
      overdueDebtCount: 0,
      openDebtCents: 0,
      overdueDebtCents: 0,
      maxDaysOverdue: 0,
      inquiriesLast6Months: 4,
      inflow90dCents: 900_000,
      outflow90dCents: 300_000,
      cardPurchases90d: 7,
      cardDeclined90d: 2,
      cardApproved90dCents: 45_000,
    });
  });

  it('derives income, assets and age from the rating features', () => {
    const features = aRatingFeatures({
      assets: [
        { kind: 'REAL_ESTATE', valueCents: 20_000_000, financed: true, outstandingCents: 5_000_000 },
        { kind: 'REAL_ESTATE', valueCents: 10_000_000, financed: false, outstandingCents: 0 },
        { kind: 'VEHICLE', valueCents: 4_000_000, financed: false, outstandingCents: 0 },
      ],
      incomeSources: [
        { kind: 'SALARY', monthlyAmountCents: 500_000, since: daysAgo(100) },
        { kind: 'RENTAL', monthlyAmountCents: 200_000, since: daysAgo(10) },
      ],
    });
    expect(buildScoringFacts(null, features, scoringActivityOf(summary), NOW)).toMatchObject({
      ageYears: 35,
      monthlyIncomeCents: 700_000,
      incomeSourceCount: 2,
      longestIncomeMonths: Math.floor(100 / 30.4375),
      assetsValueCents: 34_000_000,
      assetsOutstandingCents: 5_000_000,
      realEstateCount: 2,
    });
  });

  it('counts only reportable debts: a debt older than five years weighs nothing', () => {
    const consumer = aConsumer({
      debts: [
        aDebt({ id: 'recent', status: 'OVERDUE', amountCents: 3_000, dueDate: daysAgo(25) }),
        aDebt({ id: 'open', status: 'OPEN', amountCents: 1_000, dueDate: daysAhead(5) }),
        aDebt({ id: 'ancient', status: 'OVERDUE', amountCents: 900_000, dueDate: TODAY.plusYears(-7) }),
      ],
    });
    expect(buildScoringFacts(consumer, null, scoringActivityOf(summary), NOW)).toMatchObject({
      openDebtCount: 2,
      overdueDebtCount: 1,
      openDebtCents: 4_000,
      overdueDebtCents: 3_000,
      maxDaysOverdue: 25,
    });
  });

  it('carries only the whitelisted numeric facts: nothing that must not drive a score (name, address, sex, nationality)', () => {
    const facts = buildScoringFacts(aConsumer(), aRatingFeatures(), scoringActivityOf(summary), NOW);
    expect(Object.keys(facts).sort()).toEqual([
      'ageYears',
      'assetsOutstandingCents',
      'assetsValueCents',
      'cardApproved90dCents',
      'cardDeclined90d',
      'cardPurchases90d',
      'incomeSourceCount',
      'inflow90dCents',
      'inquiriesLast6Months',
      'longestIncomeMonths',
      'maxDaysOverdue',
      'monthlyIncomeCents',
      'openDebtCents',
      'openDebtCount',
      'outflow90dCents',
      'overdueDebtCents',
      'overdueDebtCount',
      'realEstateCount',
    ]);
    expect(Object.values(facts).every((v) => typeof v === 'number')).toBe(true);
  });
});
