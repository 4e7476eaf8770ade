import { MessageMetadata } from '@app/shared-kernel';
import { Command } from '@nestjs/cqrs';
import { AddressProps } from '@app/credit-domain';

export interface UpsertRatingFeaturesInput {
  cpf: string;
  birthDate: string;
  address: AddressProps;
  assets: { kind: string; valueCents: number; financed: boolean; outstandingCents: number }[];
  incomeSources: { kind: string; monthlyAmountCents: number; since: string }[];
}

export class UpsertRatingFeaturesCommand extends Command<{ created: boolean }> {
  constructor(
    readonly input: UpsertRatingFeaturesInput,
    readonly metadata: MessageMetadata,
  ) {
    super();
  }
}
