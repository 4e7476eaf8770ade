import { RATING_BANDS } from '@app/credit-domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class ReasonCodeDto {
  @ApiProperty({ example: 'DAYS_OVERDUE' }) code: string;
  @ApiProperty({ example: 87, description: 'Points lost on this factor against its best value' }) pointsLost: number;
  @ApiProperty({ example: 'Há dívidas em atraso há muitos dias' }) textPt: string;
  @ApiProperty({ example: 'Debts have been overdue for many days' }) textEn: string;
}

class ImprovementDto {
  @ApiProperty({ example: 'DAYS_OVERDUE' }) factor: string;
  @ApiProperty() textPt: string;
  @ApiProperty() textEn: string;
  @ApiProperty({ example: 64 }) pointsGained: number;
}

export class RatingViewDto {
  @ApiProperty({ minimum: 0, maximum: 1000, example: 712 }) score: number;
  @ApiProperty({ enum: RATING_BANDS, example: 'B' }) band: string;
  @ApiProperty({ minimum: 0, maximum: 1, example: 0.043 }) probabilityOfDefault: number;
  @ApiProperty({ type: [ReasonCodeDto], description: 'Up to four factors where the consumer lost the most points' })
  reasonCodes: ReasonCodeDto[];
  @ApiPropertyOptional({
    type: ImprovementDto,
    nullable: true,
    description: 'The one change that would raise the score most',
  })
  improvement: ImprovementDto | null;
  @ApiProperty({ example: 'woe-logistic-v1' }) modelVersion: string;
  @ApiProperty({ format: 'date-time' }) generatedAt: string;
}

export class RatingWithHistoryDto {
  @ApiProperty({ example: '123.456.789-09' }) cpf: string;
  @ApiProperty({ type: RatingViewDto }) current: RatingViewDto;
  @ApiProperty({ type: [RatingViewDto], description: 'Earlier ratings, newest first' }) history: RatingViewDto[];
}
