import artefactJson from './artefacts/credit-model-v1.json';
import { CreditModelArtefact } from './model/credit-model-artefact';
import { mulberry32 } from './model/prng';
import { ScoringFacts } from './scoring-facts';
import { validateArtefact, WoeLogisticScorer } from './woe-logistic-scorer';

const clean: ScoringFacts = {
  ageYears: 38,
  monthlyIncomeCents: 600_000,
  incomeSourceCount: 1,
  longestIncomeMonths: 60,
  assetsValueCents: 25_000_000,
  assetsOutstandingCents: 0,
  realEstateCount: 1,
  openDebtCount: 1,
  overdueDebtCount: 0,
  openDebtCents: 300_000,
  overdueDebtCents: 0,
  maxDaysOverdue: 0,
  inquiriesLast6Months: 0,
  inflow90dCents: 1_800_000,
  outflow90dCents: 1_400_000,
  cardPurchases90d: 25,
  cardDeclined90d: 0,
  cardApproved90dCents: 400_000,
};

/** Consistent delinquent facts: an overdue debt is also an open one. */
const delinquent = (days: number, overdueCents: number, overdueCount = 1): ScoringFacts => ({
  ...clean,
  maxDaysOverdue: days,
  overdueDebtCount: overdueCount,
  overdueDebtCents: overdueCents,
  openDebtCount: Math.max(clean.openDebtCount, overdueCount),
  openDebtCents: clean.openDebtCents + overdueCents,
});

function randomFacts(random: () => number): ScoringFacts {
  const int = (max: number) => Math.floor(random() * (max + 1));
  const overdueDebtCount = int(4);
  const overdueDebtCents = overdueDebtCount ? int(5_000_000) : 0;
  return {
    ageYears: random() < 0.1 ? null : 18 + int(70),
    monthlyIncomeCents: random() < 0.1 ? 0 : int(3_000_000),
    incomeSourceCount: int(3),
    longestIncomeMonths: int(400),
    assetsValueCents: random() < 0.4 ? 0 : int(100_000_000),
    assetsOutstandingCents: int(1_000_000),
    realEstateCount: random() < 0.7 ? 0 : 1 + int(2),
    openDebtCount: overdueDebtCount + int(5),
    overdueDebtCount,
    openDebtCents: overdueDebtCents + int(10_000_000),
    overdueDebtCents,
    maxDaysOverdue: overdueDebtCount ? 1 + int(720) : 0,
    inquiriesLast6Months: int(15),
    inflow90dCents: random() < 0.1 ? 0 : int(10_000_000),
    outflow90dCents: random() < 0.1 ? 0 : int(10_000_000),
    cardPurchases90d: int(80),
    cardDeclined90d: int(10),
    cardApproved90dCents: int(2_000_000),
  };
}

const scorer = new WoeLogisticScorer();
const score = (f: ScoringFacts) => scorer.score(f).score;

function expectNonIncreasing(label: string, facts: ScoringFacts[]): void {
  const scores = facts.map(score);
  for (let i = 1; i < scores.length; i++) {
    if (scores[i] > scores[i - 1])
      throw new Error(`${label}: score rose from ${scores[i - 1]} to ${scores[i]} at step ${i}`);
  }
}

describe('WoeLogisticScorer', () => {
  it('loads the checked-in artefact with its version, data hashes, metrics, scaling and bands', () => {
    const a = artefactJson as unknown as CreditModelArtefact;
    expect(scorer.modelVersion).toBe(a.modelVersion);
    expect(a.trainingData.map((d) => d.sha256)).toEqual([
      '4edce6da569b2c30788a85fd98a9bafb1a983e8ca1a7aac875dd7ff853cbd0bb',
      'ec12a88b9fc14d74ba646ea0410cf7ff4533bec2eb61652f8ad76796bbfec017',
    ]);
    expect(a.metrics.taiwan.benchmark.auc).toBeGreaterThan(0.77);
    expect(a.metrics.german.benchmark.auc).toBeGreaterThan(0.78);
    expect(a.scaling).toMatchObject({ baseScore: 500, baseOdds: 1, pdo: 80, minScore: 0, maxScore: 1000 });
    expect(a.bands.map((b) => b.band)).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('labels every factor as trained on public data or as an expert prior, and never uses a protected attribute', () => {
    const a = artefactJson as unknown as CreditModelArtefact;
    const sources = new Set(a.features.map((f) => f.source));
    expect(sources).toEqual(new Set(['trained:taiwan', 'trained:german', 'expert-prior']));
    for (const f of a.features) expect(f.name).not.toMatch(/sex|marri|marital|foreign|nationality/i);
    expect(a.excludedAttributes.map((e) => e.column).sort()).toEqual(['A20', 'A9', 'MARRIAGE', 'SEX']);
    for (const name of ['maxDaysOverdue', 'overdueDebtCount', 'inquiriesLast6Months']) {
      expect(a.features.find((f) => f.name === name)?.monotone).toBe('decreasing');
    }
  });

  it('scores a clean history above 120+ days overdue', () => {
    const good = scorer.score(clean);
    const bad = scorer.score(delinquent(125, 400_000));
    expect(good.score).toBeGreaterThan(bad.score);
    expect(good.probabilityOfDefault).toBeLessThan(bad.probabilityOfDefault);
    expect(bad.reasonCodes[0].code).toBe('DAYS_OVERDUE');
  });

  describe('never raises the score for worse behaviour (business rules)', () => {
    const profiles = [
      clean,
      { ...clean, ageYears: null },
      ...Array.from({ length: 15 }, (_, i) => randomFacts(mulberry32(100 + i))),
    ];

    it('more days overdue', () => {
      profiles.forEach((p, i) => {
        const base = {
          ...p,
          overdueDebtCount: Math.max(1, p.overdueDebtCount),
          overdueDebtCents: Math.max(1, p.overdueDebtCents),
        };
        expectNonIncreasing(
          `profile ${i}`,
          Array.from({ length: 400 }, (_, d) => ({ ...base, maxDaysOverdue: d })),
        );
      });
    });

    it('more overdue debt, alone or as part of the open debt', () => {
      const amounts = Array.from({ length: 200 }, (_, k) => k * 50_000);
      profiles.forEach((p, i) => {
        expectNonIncreasing(
          `profile ${i} alone`,
          amounts.map((c) => ({ ...p, overdueDebtCents: c })),
        );
        expectNonIncreasing(
          `profile ${i} open`,
          amounts.map((c) => ({ ...p, overdueDebtCents: c, openDebtCents: p.openDebtCents + c })),
        );
      });
    });

    it('more overdue debts, more inquiries, more card declines', () => {
      const counts = Array.from({ length: 30 }, (_, k) => k);
      profiles.forEach((p, i) => {
        expectNonIncreasing(
          `profile ${i} overdue count`,
          counts.map((n) => ({ ...p, overdueDebtCount: n })),
        );
        expectNonIncreasing(
          `profile ${i} inquiries`,
          counts.map((n) => ({ ...p, inquiriesLast6Months: n })),
        );
        expectNonIncreasing(
          `profile ${i} declines`,
          counts.map((n) => ({ ...p, cardDeclined90d: n })),
        );
      });
    });

    it('and lowers it for the first 60 days of delay and for more inquiries', () => {
      expect(score(delinquent(61, 100_000))).toBeLessThan(score(delinquent(1, 100_000)));
      expect(score(delinquent(1, 100_000))).toBeLessThan(score(clean));
      expect(score({ ...clean, inquiriesLast6Months: 8 })).toBeLessThan(score(clean));
    });
  });

  it('is deterministic for the same facts and model version', () => {
    const facts = randomFacts(mulberry32(9));
    const first = scorer.score(facts);
    expect(scorer.score({ ...facts })).toEqual(first);
    expect(new WoeLogisticScorer().score(facts)).toEqual(first);
  });

  it('keeps score, band and probability in range for arbitrary facts', () => {
    const random = mulberry32(2024);
    const cut = (artefactJson as unknown as CreditModelArtefact).bands;
    for (let i = 0; i < 500; i++) {
      const out = scorer.score(randomFacts(random));
      expect(Number.isInteger(out.score)).toBe(true);
      expect(out.score).toBeGreaterThanOrEqual(0);
      expect(out.score).toBeLessThanOrEqual(1000);
      expect(out.band).toBe(cut.find((b) => out.score >= b.minScore)!.band);
      expect(out.probabilityOfDefault).toBeGreaterThan(0);
      expect(out.probabilityOfDefault).toBeLessThan(1);
    }
  });

  it('gives at most four reason codes, largest loss first, in Portuguese and English', () => {
    const random = mulberry32(77);
    for (let i = 0; i < 200; i++) {
      const { reasonCodes } = scorer.score(randomFacts(random));
      expect(reasonCodes.length).toBeLessThanOrEqual(4);
      expect(new Set(reasonCodes.map((r) => r.code)).size).toBe(reasonCodes.length);
      reasonCodes.forEach((r, k) => {
        expect(Number.isInteger(r.pointsLost) && r.pointsLost > 0).toBe(true);
        if (k > 0) expect(r.pointsLost).toBeLessThanOrEqual(reasonCodes[k - 1].pointsLost);
        expect(r.textPt.length).toBeGreaterThan(5);
        expect(r.textEn.length).toBeGreaterThan(5);
        expect(r.textPt).not.toBe(r.textEn);
      });
    }
    const worst = scorer.score({
      ...delinquent(200, 3_000_000, 5),
      inquiriesLast6Months: 9,
      cardDeclined90d: 6,
      realEstateCount: 0,
      assetsValueCents: 0,
    });
    expect(worst.reasonCodes).toHaveLength(4);
  });

  it('explains the delay in both languages', () => {
    const r = scorer.score(delinquent(45, 200_000)).reasonCodes.find((c) => c.code === 'DAYS_OVERDUE')!;
    expect(r.textEn).toBe('Longest current delay: 31–60 days late');
    expect(r.textPt).toBe('Maior atraso atual: 31 a 60 dias de atraso');
  });

  it('suggests the single-factor change worth most points, and it delivers them', () => {
    const facts = { ...delinquent(45, 200_000) };
    const out = scorer.score(facts);
    expect(out.improvement).not.toBeNull();
    const imp = out.improvement!;
    expect(imp.factor).toBe('DAYS_OVERDUE');
    expect(imp.textEn).toBe('Pay the oldest overdue debts so that none is more than 30 days late');
    expect(imp.textPt).toBe('Pague as dívidas em atraso mais antigas para que nenhuma passe de 30 dias de atraso');
    expect(scorer.score({ ...facts, maxDaysOverdue: 30 }).score - out.score).toBe(imp.pointsGained);
  });

  it('has nothing to suggest when every actionable factor is at its best', () => {
    const best = {
      ...clean,
      openDebtCents: 0,
      overdueDebtCents: 0,
      inflow90dCents: 1_000_000,
      outflow90dCents: 500_000,
    };
    expect(scorer.score(best).improvement).toBeNull();
  });

  it('scores a consumer without registration data (ageYears null) using the missing bins', () => {
    const out = scorer.score({
      ...clean,
      ageYears: null,
      monthlyIncomeCents: 0,
      incomeSourceCount: 0,
      longestIncomeMonths: 0,
      assetsValueCents: 0,
      realEstateCount: 0,
    });
    expect(Number.isInteger(out.score)).toBe(true);
    expect(out.reasonCodes.some((r) => r.textEn.endsWith('not informed') && r.textPt.endsWith('não informado'))).toBe(
      true,
    );
    const values = scorer.featureValues({ ...clean, ageYears: null });
    expect(values.propertyTier).toBeNaN();
    expect(values.incomeTenureMonths).toBeNaN();
    expect(values.maxDaysOverdue).toBe(0);
  });

  it('never scores withheld registration data above any disclosed data', () => {
    const random = mulberry32(31);
    for (let i = 0; i < 300; i++) {
      const facts = randomFacts(random);
      if (facts.ageYears === null) continue;
      expect(score({ ...facts, ageYears: null })).toBeLessThanOrEqual(score(facts));
    }
  });

  it('refuses an artefact that breaks a monotonicity rule or uses an unknown feature', () => {
    const copy = () => JSON.parse(JSON.stringify(artefactJson)) as CreditModelArtefact;
    const broken = copy();
    const days = broken.features.find((f) => f.name === 'maxDaysOverdue')!;
    days.bins[days.bins.length - 1].points = days.bins[0].points + 1;
    expect(() => validateArtefact(broken)).toThrow(/maxDaysOverdue/);
    const unknown = copy();
    unknown.features[0].name = 'sex';
    expect(() => new WoeLogisticScorer(unknown)).toThrow(/no domain transform/);
    expect(new WoeLogisticScorer(copy()).score(clean)).toEqual(scorer.score(clean));
  });
});
