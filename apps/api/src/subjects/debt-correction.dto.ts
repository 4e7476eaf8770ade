import { AMOUNT_BOUNDS, DEBT_STATUSES } from '@app/credit';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsCalendarDate } from '../http/calendar-date.validator';

/** The fields of a debt a correction may change; those left out keep their value. */
export class DebtCorrectionDto {
  @ApiPropertyOptional({ example: 'Banco Horizonte S.A.' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(160) creditor?: string;
  @ApiPropertyOptional({ example: '11.222.333/0001-81' }) @IsOptional() @IsString() creditorCnpj?: string;
  @ApiPropertyOptional({ example: 62500, minimum: 1, maximum: AMOUNT_BOUNDS.debt.max })
  @IsOptional() @IsInt() @Min(1) @Max(AMOUNT_BOUNDS.debt.max) amountCents?: number;
  @ApiPropertyOptional({ example: '2026-04-10', format: 'date' }) @IsOptional() @IsCalendarDate() dueDate?: string;
  @ApiPropertyOptional({ enum: DEBT_STATUSES, example: 'PAID' })
  @IsOptional() @IsIn(DEBT_STATUSES as unknown as string[]) status?: string;
  @ApiPropertyOptional({ example: null, format: 'date', nullable: true, type: String })
  @IsOptional() @IsCalendarDate() limitationDate?: string | null;
}
