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
  /**
   * The first instant at which the inputs this rating was computed from change by the calendar alone, so it may no
   * longer be served: the earliest moment a negative record it used stops being reportable (CDC art. 43 §1 and §5).
   * null when no such instant is known ahead. Generic on purpose: any calendar boundary of its inputs may set it.
   */
  validUntil: Date | null;
}

/** A generated rating: always tied to the model version that produced it, so any score can be explained later. */
export class Rating {
  private constructor(readonly props: Readonly<RatingProps>) {}

  /** `validUntil` may be left out only by callers that rate no consumer data (tests, benchmarks): it is then null. */
  static create(input: Omit<RatingProps, 'validUntil'> & { validUntil?: Date | null }): Rating {
    const props: RatingProps = { ...input, validUntil: input.validUntil ?? null };
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

  /** Whether the rating may still be served, or used to answer, at `now`. */
  isValidAt(now: Date): boolean {
    return this.props.validUntil === null || now.getTime() < this.props.validUntil.getTime();
  }

  /** Same score, band and model: a regeneration that changes nothing is not news for partners. */
  sameOutcomeAs(other: Rating | null): boolean {
    return (
      !!other &&
      other.props.score === this.props.score &&
      other.props.band === this.props.band &&
      other.props.modelVersion === this.props.modelVersion
    );
  }
}
