import { ASSET_KINDS, INCOME_KINDS } from '@app/credit';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsDateString, IsIn, IsInt, IsObject, Max, Min, ValidateNested,
} from 'class-validator';
import { AddressDto } from './consumer.dto';

export class AssetDto {
  @ApiProperty({ enum: ASSET_KINDS, example: 'REAL_ESTATE' }) @IsIn(ASSET_KINDS as unknown as string[]) kind: string;
  @ApiProperty({ example: 45000000, description: 'Market value in BRL cents' }) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) valueCents: number;
  @ApiProperty({ example: true }) @IsBoolean() financed: boolean;
  @ApiProperty({ example: 21000000, description: 'Amount still owed on the asset, BRL cents; 0 when not financed' }) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) outstandingCents: number;
}

export class IncomeSourceDto {
  @ApiProperty({ enum: INCOME_KINDS, example: 'SALARY' }) @IsIn(INCOME_KINDS as unknown as string[]) kind: string;
  @ApiProperty({ example: 850000, description: 'Monthly amount in BRL cents' }) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) monthlyAmountCents: number;
  @ApiProperty({ example: '2019-02-01', format: 'date' }) @IsDateString({ strict: true }) since: string;
}

export class UpsertRatingFeaturesDto {
  @ApiProperty({ example: '1988-07-14', format: 'date' }) @IsDateString({ strict: true }) birthDate: string;
  @ApiProperty({ type: AddressDto }) @IsObject() @ValidateNested() @Type(() => AddressDto) address: AddressDto;
  @ApiProperty({ type: [AssetDto] })
  @IsArray() @ArrayMaxSize(100) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => AssetDto)
  assets: AssetDto[];
  @ApiProperty({ type: [IncomeSourceDto] })
  @IsArray() @ArrayMaxSize(50) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => IncomeSourceDto)
  incomeSources: IncomeSourceDto[];
}
