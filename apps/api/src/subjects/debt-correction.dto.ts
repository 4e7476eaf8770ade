import { Schemas } from '@app/contracts';
import { AMOUNT_BOUNDS, DEBT_STATUSES } from '@app/credit-domain';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsCalendarDate } from '../http/calendar-date.validator';
import { DAY_PATTERN, STORED_TEXT } from '../http/text-patterns';

/** The fields of a debt a correction may change; those left out keep their value. Each follows DebtDto's rule. */
export class DebtCorrectionDto {
  @ApiPropertyOptional({ example: 'Banco Horizonte S.A.', maxLength: 160, pattern: STORED_TEXT.source })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(160)
  @Matches(STORED_TEXT, { message: 'must not be blank nor contain U+0000' })
  creditor?: string;
  @ApiPropertyOptional({
    type: 'string',
    format: 'cnpj',
    pattern: Schemas.CNPJ_PATTERN,
    example: '11.222.333/0001-81',
    description: `Creditor's ${Schemas.cnpj.description}`,
  })
  @IsOptional()
  @IsString()
  creditorCnpj?: string;
  @ApiPropertyOptional({ type: 'integer', example: 62500, minimum: 1, maximum: AMOUNT_BOUNDS.debt.max })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(AMOUNT_BOUNDS.debt.max)
  amountCents?: number;
  @ApiPropertyOptional({
    example: '2026-04-10',
    format: 'date',
    pattern: DAY_PATTERN,
    description: 'YYYY-MM-DD, from 1900-01-01 to 50 years ahead',
  })
  @IsOptional()
  @IsCalendarDate()
  dueDate?: string;
  @ApiPropertyOptional({ enum: DEBT_STATUSES, example: 'PAID' })
  @IsOptional()
  @IsIn(DEBT_STATUSES as unknown as string[])
  status?: string;
  @ApiPropertyOptional({
    example: null,
    format: 'date',
    pattern: DAY_PATTERN,
    nullable: true,
    type: String,
    description: 'YYYY-MM-DD, not before the due date; null removes it',
  })
  @IsOptional()
  @IsCalendarDate()
  limitationDate?: string | null;
}
