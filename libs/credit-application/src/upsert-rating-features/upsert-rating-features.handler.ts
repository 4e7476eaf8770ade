import { CalendarDate, Clock, Cpf } from '@app/shared-kernel';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Address, RatingFeatures } from '@app/credit-domain';
import { ChangeNotifier } from '../events/change-notifier';
import { ConsumerDataChangedEvent } from '../events/consumer-data-changed.event';
import { RatingFeaturesRepository } from '../ports/rating-features.repository';
import { UpsertRatingFeaturesCommand, UpsertRatingFeaturesInput } from './upsert-rating-features.command';

@CommandHandler(UpsertRatingFeaturesCommand)
export class UpsertRatingFeaturesHandler implements ICommandHandler<UpsertRatingFeaturesCommand, { created: boolean }> {
  constructor(
    private readonly features: RatingFeaturesRepository,
    private readonly clock: Clock,
    private readonly changes: ChangeNotifier,
  ) {}

  async execute({ input, metadata }: UpsertRatingFeaturesCommand): Promise<{ created: boolean }> {
    const features = ratingFeaturesFromInput(input, this.clock.now());
    const cpf = features.props.cpf;
    const existing = await this.features.findByCpf(cpf);
    await this.features.save(features);
    await this.changes.notify(new ConsumerDataChangedEvent([cpf.value], 'RATING_FEATURES', metadata));
    return { created: existing === null };
  }
}

export function ratingFeaturesFromInput(input: UpsertRatingFeaturesInput, now: Date): RatingFeatures {
  return RatingFeatures.create(
    {
      cpf: Cpf.parse(input.cpf),
      birthDate: CalendarDate.parse(input.birthDate, 'birthDate'),
      address: Address.create(input.address),
      assets: input.assets,
      incomeSources: input.incomeSources.map((s, i) => ({
        ...s,
        since: CalendarDate.parse(s.since, `incomeSources[${i}].since`),
      })),
      updatedAt: now,
    },
    { newInput: true },
  );
}
