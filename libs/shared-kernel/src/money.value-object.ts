import { ValidationError } from './domain-error';

/** An amount of Brazilian reais held as integer cents, so sums never drift. */
export class Money {
  private constructor(readonly cents: number) {}

  static ofCents(cents: number, field = 'amountCents'): Money {
    if (!Number.isSafeInteger(cents)) {
      throw new ValidationError('MONEY_INVALID', field, 'must be an integer number of cents');
    }
    return new Money(cents);
  }

  static nonNegative(cents: number, field = 'amountCents'): Money {
    const money = Money.ofCents(cents, field);
    if (money.cents < 0) throw new ValidationError('MONEY_INVALID', field, 'must not be negative');
    return money;
  }

  static readonly zero = new Money(0);

  /** Refuses a result outside the safe-integer range, where cents would silently stop being exact. */
  plus(other: Money, field = 'amountCents'): Money {
    return Money.ofCents(this.cents + other.cents, field);
  }

  minus(other: Money, field = 'amountCents'): Money {
    return Money.ofCents(this.cents - other.cents, field);
  }

  /** Every sum of amounts goes through here, so a total that would lose cents is refused instead of reported. */
  static sum(amounts: Iterable<Money>, field = 'amountCents'): Money {
    let total = Money.zero;
    for (const amount of amounts) total = total.plus(amount, field);
    return total;
  }

  isPositive(): boolean {
    return this.cents > 0;
  }

  toReais(): number {
    return this.cents / 100;
  }
}
