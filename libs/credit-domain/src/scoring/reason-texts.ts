/**
 * Human texts for the scorecard factors, in Portuguese (consumers, partners) and English (audit, docs). Bin labels are
 * generated once at training time and stored in the artefact, so a stored rating can always be re-explained with the
 * exact words of its model version; reason and improvement sentences are composed from those labels here.
 */

interface BilingualText {
  en: string;
  pt: string;
}

/** Per reason code: what the factor is called, in both languages. */
const FACTOR_TITLES: Record<string, BilingualText> = {
  DAYS_OVERDUE: { en: 'Longest current delay', pt: 'Maior atraso atual' },
  OVERDUE_DEBTS: { en: 'Overdue debts', pt: 'Dívidas em atraso' },
  OVERDUE_AMOUNT: { en: 'Overdue amount relative to income', pt: 'Valor em atraso em relação à renda' },
  DEBT_BURDEN: { en: 'Open debt relative to income', pt: 'Dívida em aberto em relação à renda' },
  AGE: { en: 'Age', pt: 'Idade' },
  INCOME_TENURE: { en: 'Time with the current income', pt: 'Tempo da renda atual' },
  ASSETS: { en: 'Property', pt: 'Patrimônio' },
  OPEN_DEBTS: { en: 'Open debts', pt: 'Dívidas em aberto' },
  INQUIRIES: { en: 'Credit inquiries in the last 6 months', pt: 'Consultas de crédito nos últimos 6 meses' },
  CARD_DECLINES: {
    en: 'Declined card purchases in the last 90 days',
    pt: 'Compras no cartão recusadas nos últimos 90 dias',
  },
  CASH_FLOW: {
    en: 'Outflows against inflows in the last 90 days',
    pt: 'Saídas em relação às entradas nos últimos 90 dias',
  },
};

export const MISSING_LABEL: BilingualText = { en: 'not informed', pt: 'não informado' };

const ptNumber = (x: number | string): string => String(x).replace('.', ',');
const fmt = (x: number): string => String(Number(x.toPrecision(3)));

type Range = { lower: number | null; upper: number | null };

interface CountNouns {
  none: BilingualText;
  one: BilingualText;
  many: BilingualText;
}

function countLabel(r: Range, nouns: CountNouns): BilingualText {
  const lo = r.lower === null ? 0 : Math.floor(r.lower) + 1;
  if (r.upper === null) return { en: `${lo} or more ${nouns.many.en}`, pt: `${lo} ou mais ${nouns.many.pt}` };
  const hi = Math.floor(r.upper);
  if (hi <= 0) return nouns.none;
  if (lo === hi)
    return lo === 1
      ? { en: `1 ${nouns.one.en}`, pt: `1 ${nouns.one.pt}` }
      : { en: `${lo} ${nouns.many.en}`, pt: `${lo} ${nouns.many.pt}` };
  const upTo = hi === 1 ? nouns.one : nouns.many;
  if (lo === 0) return { en: `at most ${hi} ${upTo.en}`, pt: `no máximo ${hi} ${upTo.pt}` };
  return { en: `${lo}–${hi} ${nouns.many.en}`, pt: `${lo} a ${hi} ${nouns.many.pt}` };
}

const nouns = (none: [string, string], one: [string, string], many: [string, string]): CountNouns => ({
  none: { en: none[0], pt: none[1] },
  one: { en: one[0], pt: one[1] },
  many: { en: many[0], pt: many[1] },
});
const OVERDUE_NOUNS = nouns(
  ['no overdue debt', 'nenhuma dívida em atraso'],
  ['overdue debt', 'dívida em atraso'],
  ['overdue debts', 'dívidas em atraso'],
);
const OPEN_NOUNS = nouns(
  ['no open debt', 'nenhuma dívida em aberto'],
  ['open debt', 'dívida em aberto'],
  ['open debts', 'dívidas em aberto'],
);
const INQUIRY_NOUNS = nouns(['no inquiries', 'nenhuma consulta'], ['inquiry', 'consulta'], ['inquiries', 'consultas']);
const DECLINE_NOUNS = nouns(['no declines', 'nenhuma recusa'], ['decline', 'recusa'], ['declines', 'recusas']);

function ratioLabel(r: Range, scale: number, unitEn: string, unitPt: string, none?: BilingualText): BilingualText {
  if (none && r.upper !== null && r.upper <= 0) return none;
  const lo = r.lower === null || (none && r.lower <= 0) ? null : fmt(r.lower * scale);
  const hi = r.upper === null ? null : fmt(r.upper * scale);
  if (lo === null && hi !== null) return { en: `up to ${hi}${unitEn}`, pt: `até ${ptNumber(hi)}${unitPt}` };
  if (hi === null && lo !== null) return { en: `more than ${lo}${unitEn}`, pt: `mais de ${ptNumber(lo)}${unitPt}` };
  if (lo === null || hi === null) return { en: 'any', pt: 'qualquer' };
  return { en: `${lo} to ${hi}${unitEn}`, pt: `de ${ptNumber(lo)} a ${ptNumber(hi)}${unitPt}` };
}

function tenureLabel(r: Range): BilingualText {
  const years = (months: number): BilingualText => {
    const y = fmt(months / 12);
    return y === '1' ? { en: '1 year', pt: '1 ano' } : { en: `${y} years`, pt: `${ptNumber(y)} anos` };
  };
  const lower = r.lower === null ? -1 : Math.floor(r.lower) + 1;
  const upper = r.upper;
  if (lower <= -1) {
    if (upper !== null && upper <= -1) return { en: 'no income source', pt: 'sem fonte de renda' };
    if (upper === null) return { en: 'any', pt: 'qualquer' };
    const u = years(upper + 1);
    return { en: `no income source or under ${u.en}`, pt: `sem fonte de renda ou menos de ${u.pt}` };
  }
  const l = years(lower);
  if (upper === null) return { en: `${l.en} or more`, pt: `${l.pt} ou mais` };
  const u = years(upper + 1);
  return { en: `${l.en} to under ${u.en}`, pt: `de ${l.pt} a menos de ${u.pt}` };
}

const PROPERTY_TIERS: BilingualText[] = [
  { en: 'no property', pt: 'sem patrimônio' },
  { en: 'vehicle or investments, no real estate', pt: 'veículo ou investimentos, sem imóvel' },
  { en: 'real estate', pt: 'imóvel' },
];

function propertyLabel(r: Range): BilingualText {
  const lo = r.lower === null ? 0 : Math.floor(r.lower) + 1;
  const hi = r.upper === null ? PROPERTY_TIERS.length - 1 : Math.floor(r.upper);
  const tiers = PROPERTY_TIERS.slice(lo, hi + 1);
  return { en: tiers.map((t) => t.en).join(' or '), pt: tiers.map((t) => t.pt).join(' ou ') };
}

function ageLabel(r: Range): BilingualText {
  if (r.lower === null && r.upper !== null) return { en: `${r.upper} or younger`, pt: `${r.upper} anos ou menos` };
  if (r.upper === null && r.lower !== null) return { en: `${r.lower + 1} or older`, pt: `${r.lower + 1} anos ou mais` };
  return { en: `${r.lower! + 1}–${r.upper} years`, pt: `${r.lower! + 1} a ${r.upper} anos` };
}

function daysLabel(r: Range): BilingualText {
  const lo = r.lower === null ? 0 : Math.floor(r.lower) + 1;
  if (r.upper !== null && r.upper <= 0) return { en: 'no overdue debt', pt: 'nenhuma dívida em atraso' };
  if (r.upper === null) return { en: `more than ${lo - 1} days late`, pt: `mais de ${lo - 1} dias de atraso` };
  return { en: `${Math.max(1, lo)}–${r.upper} days late`, pt: `${Math.max(1, lo)} a ${r.upper} dias de atraso` };
}

/**
 * Label of the bin (lower, upper] of a feature, in domain terms. `capacityMonthsOfIncome` converts the Taiwan
 * utilisation scale of the burden features back into "times the monthly income".
 */
export function binLabel(feature: string, range: Range, params: { capacityMonthsOfIncome: number }): BilingualText {
  switch (feature) {
    case 'maxDaysOverdue':
      return daysLabel(range);
    case 'overdueDebtCount':
      return countLabel(range, OVERDUE_NOUNS);
    case 'openDebtCount':
      return countLabel(range, OPEN_NOUNS);
    case 'overdueBurden':
      return ratioLabel(range, params.capacityMonthsOfIncome, '× the monthly income', '× a renda mensal', {
        en: 'nothing overdue',
        pt: 'nada em atraso',
      });
    case 'debtBurden':
      return ratioLabel(range, params.capacityMonthsOfIncome, '× the monthly income', '× a renda mensal', {
        en: 'no open debt',
        pt: 'nenhuma dívida em aberto',
      });
    case 'ageYears':
      return ageLabel(range);
    case 'incomeTenureMonths':
      return tenureLabel(range);
    case 'propertyTier':
      return propertyLabel(range);
    case 'inquiriesLast6Months':
      return countLabel(range, INQUIRY_NOUNS);
    case 'cardDeclined90d':
      return countLabel(range, DECLINE_NOUNS);
    case 'cashFlowRatio':
      return ratioLabel(range, 100, '% of inflows', '% das entradas');
    default:
      throw new RangeError(`no label for feature ${feature}`);
  }
}

/** "Longest current delay: 31–60 days late" — the reason code sentence for the consumer's bin. */
export function reasonText(reasonCode: string, bin: { labelEn: string; labelPt: string }): BilingualText {
  const title = FACTOR_TITLES[reasonCode];
  if (!title) throw new RangeError(`no title for reason code ${reasonCode}`);
  return { en: `${title.en}: ${bin.labelEn}`, pt: `${title.pt}: ${bin.labelPt}` };
}

/** What to do to reach the target bin, phrased as an action where one exists. */
export function improvementText(
  reasonCode: string,
  to: { upper: number | null; labelEn: string; labelPt: string },
  params: { capacityMonthsOfIncome: number },
): BilingualText {
  const upper = to.upper;
  switch (reasonCode) {
    case 'DAYS_OVERDUE':
      return upper !== null && upper <= 0
        ? { en: 'Pay off every overdue debt', pt: 'Quite todas as dívidas em atraso' }
        : {
            en: `Pay the oldest overdue debts so that none is more than ${upper} days late`,
            pt: `Pague as dívidas em atraso mais antigas para que nenhuma passe de ${upper} dias de atraso`,
          };
    case 'OVERDUE_DEBTS':
      return upper !== null && upper <= 0
        ? { en: 'Pay off every overdue debt', pt: 'Quite todas as dívidas em atraso' }
        : {
            en: `Bring the number of overdue debts down to at most ${upper}`,
            pt: `Reduza o número de dívidas em atraso para no máximo ${upper}`,
          };
    case 'OPEN_DEBTS':
      return {
        en: `Settle debts until at most ${upper} remain open`,
        pt: `Quite dívidas até restarem no máximo ${upper} em aberto`,
      };
    case 'OVERDUE_AMOUNT':
    case 'DEBT_BURDEN': {
      const what =
        reasonCode === 'DEBT_BURDEN'
          ? { en: 'open debt', pt: 'a dívida em aberto' }
          : { en: 'the overdue amount', pt: 'o valor em atraso' };
      const times = fmt((upper ?? 0) * params.capacityMonthsOfIncome);
      return upper !== null && upper <= 0
        ? { en: `Pay off ${what.en}`, pt: `Quite ${what.pt}` }
        : {
            en: `Reduce ${what.en} to at most ${times}× your monthly income`,
            pt: `Reduza ${what.pt} para no máximo ${ptNumber(times)}× a sua renda mensal`,
          };
    }
    case 'INQUIRIES':
      return {
        en: `Avoid new credit applications until inquiries in the last 6 months drop to ${to.labelEn}`,
        pt: `Evite novos pedidos de crédito até as consultas dos últimos 6 meses caírem para ${to.labelPt}`,
      };
    case 'CARD_DECLINES':
      return {
        en: `Keep card purchases within the available limit so that declines in 90 days drop to ${to.labelEn}`,
        pt: `Mantenha as compras no cartão dentro do limite disponível para que as recusas em 90 dias caiam para ${to.labelPt}`,
      };
    case 'CASH_FLOW':
      return { en: `Keep 90-day outflows at ${to.labelEn}`, pt: `Mantenha as saídas de 90 dias em ${to.labelPt}` };
    default: {
      const title = FACTOR_TITLES[reasonCode] ?? { en: reasonCode, pt: reasonCode };
      return { en: `${title.en}: reach ${to.labelEn}`, pt: `${title.pt}: alcance ${to.labelPt}` };
    }
  }
}
