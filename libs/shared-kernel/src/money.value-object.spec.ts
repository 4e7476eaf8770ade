import { Money } from './money.value-object';
import { rejection } from '@app/testing';

describe('Money', () => {
  it('holds an integer number of cents', () => {
    expect(Money.ofCents(12_345).cents).toBe(12_345);
    expect(Money.ofCents(12_345).toReais()).toBe(123.45);
  });

  it.each([
    ['a fraction of a cent', 10.5],
    ['NaN', Number.NaN],
    ['infinity', Number.POSITIVE_INFINITY],
    ['an unsafe integer', 2 ** 53],
  ])('rejects %s with MONEY_INVALID on the named field', (_label, cents) => {
    const error = rejection(() => Money.ofCents(cents, 'events[0].amountCents'));
    expect(error.code).toBe('MONEY_INVALID');
    expect(error.field).toBe('events[0].amountCents');
  });

  it('rejects text even when it spells a number', () => {
    expect(rejection(() => Money.ofCents('100' as unknown as number)).code).toBe('MONEY_INVALID');
  });

  it('names amountCents as the field by default', () => {
    expect(rejection(() => Money.ofCents(0.1)).field).toBe('amountCents');
  });

  it('allows negative amounts unless the non-negative rule is asked for', () => {
    expect(Money.ofCents(-500).cents).toBe(-500);
    const error = rejection(() => Money.nonNegative(-1, 'valueCents'));
    expect(error).toMatchObject({ code: 'MONEY_INVALID', field: 'valueCents', message: 'must not be negative' });
  });

  it('accepts zero under the non-negative rule, and zero is not positive', () => {
    expect(Money.nonNegative(0).isPositive()).toBe(false);
    expect(Money.nonNegative(1).isPositive()).toBe(true);
    expect(Money.zero.cents).toBe(0);
  });

  it('applies the integer rule before the non-negative rule', () => {
    expect(rejection(() => Money.nonNegative(1.5)).message).toBe('must be an integer number of cents');
  });

  it('adds and subtracts exactly, where floating-point reais would drift', () => {
    const sum = Money.ofCents(10).plus(Money.ofCents(20));
    expect(sum.cents).toBe(30);
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sum.toReais()).toBe(0.3);
    expect(Money.ofCents(1_000).minus(Money.ofCents(250)).cents).toBe(750);
  });

  it('lets a subtraction go below zero', () => {
    expect(Money.ofCents(100).minus(Money.ofCents(250)).cents).toBe(-150);
  });

  it('refuses a sum that leaves the safe-integer range', () => {
    expect(rejection(() => Money.ofCents(Number.MAX_SAFE_INTEGER).plus(Money.ofCents(1))).code).toBe('MONEY_INVALID');
  });

  it('never changes the operands of a sum', () => {
    const a = Money.ofCents(100);
    a.plus(Money.ofCents(5));
    a.minus(Money.ofCents(5));
    expect(a.cents).toBe(100);
  });
});

describe('Money.sum', () => {
  it('adds any number of amounts exactly', () => {
    expect(Money.sum([Money.ofCents(10), Money.ofCents(20), Money.ofCents(-5)]).cents).toBe(25);
    expect(Money.sum([]).cents).toBe(0);
  });

  it('refuses two amounts of MAX_SAFE_INTEGER cents instead of giving an unsafe total, naming the field', () => {
    const big = Money.ofCents(Number.MAX_SAFE_INTEGER);
    expect(rejection(() => Money.sum([big, big], 'debts.amountCents'))).toMatchObject({
      code: 'MONEY_INVALID',
      field: 'debts.amountCents',
    });
  });
});
