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

  plus(other: Money): Money {
    return Money.ofCents(this.cents + other.cents);
  }

  minus(other: Money): Money {
    return Money.ofCents(this.cents - other.cents);
  }

  isPositive(): boolean {
    return this.cents > 0;
  }

  toReais(): number {
    return this.cents / 100;
  }
}
