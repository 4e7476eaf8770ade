import { binLabel, improvementText, reasonText } from './reason-texts';

const params = { capacityMonthsOfIncome: 3 };
const label = (feature: string, lower: number | null, upper: number | null) =>
  binLabel(feature, { lower, upper }, params);

describe('bin labels', () => {
  it('days overdue', () => {
    expect(label('maxDaysOverdue', null, 0)).toEqual({ en: 'no overdue debt', pt: 'nenhuma dívida em atraso' });
    expect(label('maxDaysOverdue', 0, 30)).toEqual({ en: '1–30 days late', pt: '1 a 30 dias de atraso' });
    expect(label('maxDaysOverdue', 60, null)).toEqual({
      en: 'more than 60 days late',
      pt: 'mais de 60 dias de atraso',
    });
  });

  it('counts, with singular and plural', () => {
    expect(label('inquiriesLast6Months', null, 0)).toEqual({ en: 'no inquiries', pt: 'nenhuma consulta' });
    expect(label('overdueDebtCount', null, 1)).toEqual({
      en: 'at most 1 overdue debt',
      pt: 'no máximo 1 dívida em atraso',
    });
    expect(label('cardDeclined90d', 0, 1)).toEqual({ en: '1 decline', pt: '1 recusa' });
    expect(label('inquiriesLast6Months', 2, 5)).toEqual({ en: '3–5 inquiries', pt: '3 a 5 consultas' });
    expect(label('inquiriesLast6Months', 5, null)).toEqual({ en: '6 or more inquiries', pt: '6 ou mais consultas' });
  });

  it('burdens in multiples of the monthly income, with a decimal comma in Portuguese', () => {
    expect(label('debtBurden', null, 0.22)).toEqual({
      en: 'up to 0.66× the monthly income',
      pt: 'até 0,66× a renda mensal',
    });
    expect(label('debtBurden', 0.63, 1)).toEqual({
      en: '1.89 to 3× the monthly income',
      pt: 'de 1,89 a 3× a renda mensal',
    });
    expect(label('overdueBurden', null, 0)).toEqual({ en: 'nothing overdue', pt: 'nada em atraso' });
    expect(label('overdueBurden', 0, 0.078)).toEqual({
      en: 'up to 0.234× the monthly income',
      pt: 'até 0,234× a renda mensal',
    });
  });

  it('income tenure and property', () => {
    expect(label('incomeTenureMonths', null, 11)).toEqual({
      en: 'no income source or under 1 year',
      pt: 'sem fonte de renda ou menos de 1 ano',
    });
    expect(label('incomeTenureMonths', 11, 47)).toEqual({
      en: '1 year to under 4 years',
      pt: 'de 1 ano a menos de 4 anos',
    });
    expect(label('incomeTenureMonths', 47, null)).toEqual({ en: '4 years or more', pt: '4 anos ou mais' });
    expect(label('propertyTier', 0, 1)).toEqual({
      en: 'vehicle or investments, no real estate',
      pt: 'veículo ou investimentos, sem imóvel',
    });
    expect(label('propertyTier', null, 1).en).toBe('no property or vehicle or investments, no real estate');
  });

  it('refuses an unknown feature', () => {
    expect(() => label('sex', null, 1)).toThrow(RangeError);
  });
});

describe('reason and improvement texts', () => {
  it('compose title and label', () => {
    expect(reasonText('INQUIRIES', { labelEn: '3–5 inquiries', labelPt: '3 a 5 consultas' })).toEqual({
      en: 'Credit inquiries in the last 6 months: 3–5 inquiries',
      pt: 'Consultas de crédito nos últimos 6 meses: 3 a 5 consultas',
    });
  });

  it('phrase the change as an action', () => {
    expect(improvementText('DEBT_BURDEN', { upper: 0.42, labelEn: '', labelPt: '' }, params)).toEqual({
      en: 'Reduce open debt to at most 1.26× your monthly income',
      pt: 'Reduza a dívida em aberto para no máximo 1,26× a sua renda mensal',
    });
    expect(improvementText('DAYS_OVERDUE', { upper: 0, labelEn: '', labelPt: '' }, params).en).toBe(
      'Pay off every overdue debt',
    );
  });
});
