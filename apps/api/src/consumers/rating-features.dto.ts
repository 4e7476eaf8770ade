import { AMOUNT_BOUNDS, ASSET_KINDS, INCOME_KINDS } from '@app/credit-domain';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, Max, Min, ValidateNested } from 'class-validator';
import { IsCalendarDate } from '../http/calendar-date.validator';
import { DAY_PATTERN } from '../http/text-patterns';
import { AddressDto } from './consumer.dto';

export class AssetDto {
  @ApiProperty({ enum: ASSET_KINDS, example: 'REAL_ESTATE' }) @IsIn(ASSET_KINDS as unknown as string[]) kind: string;
  @ApiProperty({
    example: 45000000,
    minimum: 0,
    maximum: AMOUNT_BOUNDS.assetValue.max,
    description: 'Market value in BRL cents, at most R$ 1 billion',
  })
  @IsInt()
  @Min(0)
  @Max(AMOUNT_BOUNDS.assetValue.max)
  valueCents: number;
  @ApiProperty({ example: true }) @IsBoolean() financed: boolean;
  @ApiProperty({
    example: 21000000,
    minimum: 0,
    maximum: AMOUNT_BOUNDS.assetOutstanding.max,
    description: 'Amount still owed on the asset, BRL cents, at most R$ 1 billion; 0 when not financed',
  })
  @IsInt()
  @Min(0)
  @Max(AMOUNT_BOUNDS.assetOutstanding.max)
  outstandingCents: number;
}

export class IncomeSourceDto {
  @ApiProperty({ enum: INCOME_KINDS, example: 'SALARY' }) @IsIn(INCOME_KINDS as unknown as string[]) kind: string;
  @ApiProperty({
    example: 850000,
    minimum: 0,
    maximum: AMOUNT_BOUNDS.monthlyIncome.max,
    description: 'Monthly amount in BRL cents, at most R$ 100 million',
  })
  @IsInt()
  @Min(0)
  @Max(AMOUNT_BOUNDS.monthlyIncome.max)
  monthlyAmountCents: number;
  @ApiProperty({
    example: '2019-02-01',
    format: 'date',
    pattern: DAY_PATTERN,
    description: 'YYYY-MM-DD, no time or zone; not after today in Brasília, not before the birth date',
  })
  @IsCalendarDate()
  since: string;
}

export class UpsertRatingFeaturesDto {
  @ApiProperty({
    example: '1988-07-14',
    format: 'date',
    pattern: DAY_PATTERN,
    description: 'YYYY-MM-DD, no time or zone; age is counted on the Brasília calendar',
  })
  @IsCalendarDate()
  birthDate: string;
  @ApiProperty({ type: AddressDto }) @IsObject() @ValidateNested() @Type(() => AddressDto) address: AddressDto;
  @ApiProperty({ type: [AssetDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AssetDto)
  assets: AssetDto[];
  @ApiProperty({ type: [IncomeSourceDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => IncomeSourceDto)
  incomeSources: IncomeSourceDto[];
}
