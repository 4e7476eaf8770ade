import { Cpf, FixedClock, ValidationError } from '@app/shared-kernel';
import { NOW, RecordingEventBus, VALID_CPF, aRatingFeaturesInput, anAddressInput } from '@app/testing';
import { InMemoryAnalysisCache, InMemoryRatingFeaturesRepository } from '@app/adapters/embedded';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { UpsertRatingFeaturesCommand } from './upsert-rating-features.command';
import { UpsertRatingFeaturesHandler } from './upsert-rating-features.handler';

const metadata = { correlationId: 'corr-9' };

describe('UpsertRatingFeaturesHandler', () => {
  let features: InMemoryRatingFeaturesRepository;
  let bus: RecordingEventBus;
  let cache: InMemoryAnalysisCache;
  let handler: UpsertRatingFeaturesHandler;

  beforeEach(() => {
    features = new InMemoryRatingFeaturesRepository();
    bus = new RecordingEventBus();
    cache = new InMemoryAnalysisCache();
    handler = new UpsertRatingFeaturesHandler(features, new FixedClock(NOW), bus.notifier(cache));
  });

  async function rejection(input: ReturnType<typeof aRatingFeaturesInput>): Promise<ValidationError> {
    const error = await handler.execute(new UpsertRatingFeaturesCommand(input, metadata)).catch((e: unknown) => e);
    if (error instanceof ValidationError) return error;
    throw new Error(`expected a ValidationError, got ${String(error)}`);
  }

  it('reports created true for new features and false when it replaces them', async () => {
    expect(await handler.execute(new UpsertRatingFeaturesCommand(aRatingFeaturesInput(), metadata))).toEqual({
      created: true,
    });
    expect(
      await handler.execute(new UpsertRatingFeaturesCommand(aRatingFeaturesInput({ incomeSources: [] }), metadata)),
    ).toEqual({ created: false });
    expect(await features.estimatedCount()).toBe(1);
    expect((await features.findByCpf(Cpf.parse(VALID_CPF)))?.monthlyIncomeCents()).toBe(0);
  });

  it('stores dates parsed from the wire and stamps the clock time', async () => {
    await handler.execute(new UpsertRatingFeaturesCommand(aRatingFeaturesInput(), metadata));
    const stored = await features.findByCpf(Cpf.parse(VALID_CPF));
    expect(stored?.props.birthDate.toString()).toBe('1990-03-10');
    expect(stored?.props.incomeSources[0].since.toString()).toBe('2020-01-01');
    expect(stored?.props.updatedAt).toEqual(NOW);
    expect(stored?.ageYears(NOW)).toBe(35);
  });

  it('announces the change as RATING_FEATURES data of that CPF', async () => {
    await handler.execute(new UpsertRatingFeaturesCommand(aRatingFeaturesInput({ cpf: '123.456.789-09' }), metadata));
    expect(bus.published).toEqual([new ConsumerDataChangedEvent([VALID_CPF], 'RATING_FEATURES', metadata)]);
  });

  it('rejects a minor with BIRTH_DATE_INVALID, storing and announcing nothing', async () => {
    expect(await rejection(aRatingFeaturesInput({ birthDate: '2010-01-01' }))).toMatchObject({
      code: 'BIRTH_DATE_INVALID',
      field: 'birthDate',
    });
    expect(await features.estimatedCount()).toBe(0);
    expect(bus.published).toEqual([]);
  });

  it.each([
    ['an invalid CPF', { cpf: '111.111.111-11' }, 'CPF_INVALID', 'cpf'],
    ['a birth date that is no date', { birthDate: '10/03/1990' }, 'DATE_INVALID', 'birthDate'],
    [
      'an income start that is no date',
      { incomeSources: [{ kind: 'SALARY', monthlyAmountCents: 1, since: 'soon' }] },
      'DATE_INVALID',
      'incomeSources[0].since',
    ],
    [
      'an income that starts in the future',
      { incomeSources: [{ kind: 'SALARY', monthlyAmountCents: 1, since: '2025-07-01' }] },
      'INCOME_INVALID',
      'incomeSources[0].since',
    ],
    [
      'an outstanding balance on an unfinanced asset',
      { assets: [{ kind: 'VEHICLE', valueCents: 10, financed: false, outstandingCents: 5 }] },
      'ASSET_INVALID',
      'assets[0].outstandingCents',
    ],
    ['an address outside Brazil', { address: anAddressInput({ state: 'NY' }) }, 'ADDRESS_INVALID', 'address.state'],
  ])('rejects %s', async (_label, overrides, code, field) => {
    expect(await rejection(aRatingFeaturesInput(overrides))).toMatchObject({ code, field });
    expect(await features.estimatedCount()).toBe(0);
  });
});
