import { CalendarDate, Money, ValidationError } from '@app/shared-kernel';

/**
 * How large an amount a field of one consumer's record can plausibly hold, in BRL cents. Anything above is a unit
 * mistake or an attack on the arithmetic, never a fact about a person: a R$ 90-trillion card purchase is refused, not
 * booked. The ceilings leave room for the rare legitimate extreme and keep every sum the bureau takes over one CPF
 * (up to 500 debts, 100 assets, 50 incomes, a trail of movements) far below Number.MAX_SAFE_INTEGER.
 */
export const AMOUNT_BOUNDS = {
  /** One debt of a natural person: up to R$ 100 million (a large mortgage or business guarantee). */
  debt: { min: 1, max: 10_000_000_000 },
  /** Market value of one asset: up to R$ 1 billion. */
  assetValue: { min: 0, max: 100_000_000_000 },
  /** Still owed on one financed asset: up to R$ 1 billion. */
  assetOutstanding: { min: 0, max: 100_000_000_000 },
  /** One monthly income: up to R$ 100 million. */
  monthlyIncome: { min: 0, max: 10_000_000_000 },
  /** One financial movement, either sign: up to R$ 100 million. */
  movement: { min: 1, max: 10_000_000_000 },
  /** One card purchase: up to R$ 1 million, above any consumer card's limit. */
  cardPurchase: { min: 1, max: 100_000_000 },
} as const satisfies Record<string, { min: number; max: number }>;

type AmountField = keyof typeof AMOUNT_BOUNDS;

const reais = (cents: number) => `R$ ${(cents / 100).toLocaleString('pt-BR', { maximumFractionDigits: 2 })}`;

/**
 * An integer number of cents within the field's bounds; `signed` for movements, whose bounds apply to the magnitude.
 * Not an integer (or not a number) is MONEY_INVALID as before; out of bounds is AMOUNT_OUT_OF_RANGE.
 */
export function boundedAmount(
  cents: unknown,
  bounds: AmountField,
  field: string,
  options: { signed?: boolean } = {},
): Money {
  const money = options.signed ? Money.ofCents(cents as number, field) : Money.nonNegative(cents as number, field);
  const { min, max } = AMOUNT_BOUNDS[bounds];
  const magnitude = Math.abs(money.cents);
  if (magnitude < min || magnitude > max) {
    const range = min === 0 ? `at most ${reais(max)}` : `from ${reais(min)} to ${reais(max)}`;
    throw new ValidationError(
      'AMOUNT_OUT_OF_RANGE',
      field,
      `must be ${options.signed ? 'in magnitude ' : ''}${range} (${min} to ${max} cents)`,
    );
  }
  return money;
}

/** The earliest day any date of a consumer's record may name: nothing the bureau holds is older. */
const EARLIEST_DAY = CalendarDate.fromString('1900-01-01');

/**
 * How far ahead a due or limitation date may lie: longer than any consumer credit runs (mortgages run up to 35 years).
 */
export const LATEST_DUE_YEARS_AHEAD = 50;

/** A date no earlier than EARLIEST_DAY and no later than `latest`, or DATE_OUT_OF_RANGE naming the field. */
export function dayWithin(day: CalendarDate, latest: CalendarDate, field: string): CalendarDate {
  if (day.isBefore(EARLIEST_DAY) || day.isAfter(latest)) {
    throw new ValidationError(
      'DATE_OUT_OF_RANGE',
      field,
      `must be from ${EARLIEST_DAY.toString()} to ${latest.toString()}`,
    );
  }
  return day;
}
