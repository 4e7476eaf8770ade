import { Cpf, ValidationError } from '@app/shared-kernel';

export const RATING_BANDS = ['A', 'B', 'C', 'D', 'E'] as const;
export type RatingBand = (typeof RATING_BANDS)[number];

export interface ReasonCode {
  code: string;
  /** Points the consumer lost on this factor against the best attainable value. */
  pointsLost: number;
  textPt: string;
  textEn: string;
}

export interface ScoreImprovement {
  factor: string;
  textPt: string;
  textEn: string;
  pointsGained: number;
}

export interface RatingProps {
  cpf: Cpf;
  score: number;
  band: RatingBand;
  probabilityOfDefault: number;
  reasonCodes: ReasonCode[];
  improvement: ScoreImprovement | null;
  modelVersion: string;
  generatedAt: Date;
}

/** A generated rating: always tied to the model version that produced it, so any score can be explained later. */
export class Rating {
  private constructor(readonly props: Readonly<RatingProps>) {}

  static create(props: RatingProps): Rating {
    if (!Number.isInteger(props.score) || props.score < 0 || props.score > 1000) {
      throw new ValidationError('RATING_INVALID', 'score', 'must be an integer from 0 to 1000');
    }
    if (!(props.probabilityOfDefault >= 0 && props.probabilityOfDefault <= 1)) {
      throw new ValidationError('RATING_INVALID', 'probabilityOfDefault', 'must be between 0 and 1');
    }
    if (props.reasonCodes.length > 4) {
      throw new ValidationError('RATING_INVALID', 'reasonCodes', 'at most four reason codes');
    }
    return new Rating({ ...props, reasonCodes: [...props.reasonCodes] });
  }

  get cpf(): Cpf {
    return this.props.cpf;
  }

  /** Same score, band and model: a regeneration that changes nothing is not news for partners. */
  sameOutcomeAs(other: Rating | null): boolean {
    return !!other && other.props.score === this.props.score && other.props.band === this.props.band && other.props.modelVersion === this.props.modelVersion;
  }
}
