import { Schemas } from '@app/contracts';
import { AMOUNT_BOUNDS, BRAZILIAN_STATES, DEBT_STATUSES } from '@app/credit-domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsCalendarDate } from '../http/calendar-date.validator';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DAY_PATTERN, STORED_OPTIONAL_TEXT, STORED_TEXT, TWO_VISIBLE } from '../http/text-patterns';

const TEXT_RULE = 'must not be blank nor contain U+0000';

/** A UF in either case (the domain upper-cases it), as a pattern: JSON Schema has no case-insensitive enum. */
const eitherCase = (uf: string) => [...uf].map((c) => `[${c}${c.toLowerCase()}]`).join('');
const UF = new RegExp(`^(?:${BRAZILIAN_STATES.map(eitherCase).join('|')})$`);

export class AddressDto {
  @ApiProperty({ example: 'Avenida Paulista' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(STORED_TEXT, { message: TEXT_RULE })
  street: string;
  @ApiProperty({ example: '1578' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20)
  @Matches(STORED_TEXT, { message: TEXT_RULE })
  number: string;
  @ApiPropertyOptional({ example: 'Apto 42', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  @Matches(STORED_OPTIONAL_TEXT, { message: 'must not contain U+0000' })
  complement?: string | null;
  @ApiProperty({ example: 'Bela Vista' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  @Matches(STORED_TEXT, { message: TEXT_RULE })
  district: string;
  @ApiProperty({ example: 'São Paulo' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  @Matches(STORED_TEXT, { message: TEXT_RULE })
  city: string;
  @ApiProperty({ example: 'SP', description: 'Brazilian state code (UF), either case' })
  @IsString()
  @Matches(UF, { message: 'state must be a Brazilian state code (UF) such as SP' })
  state: string;
  @ApiProperty({ example: '01310-200', description: 'CEP, 8 digits with or without the hyphen' })
  @IsString()
  @Matches(/^[0-9]{5}-?[0-9]{3}$/, { message: 'postalCode must be a CEP such as 01310-200' })
  postalCode: string;
}

export class DebtDto {
  @ApiProperty({ example: 'contract-2024-0001', description: "Creditor's id for the debt, unique per consumer" })
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'id must be 1-64 letters, digits or ._:-' })
  id: string;
  @ApiProperty({ example: 'Banco Horizonte S.A.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(160)
  @Matches(STORED_TEXT, { message: TEXT_RULE })
  creditor: string;
  @ApiProperty({
    type: 'string',
    format: 'cnpj',
    pattern: Schemas.CNPJ_PATTERN,
    example: '12.ABC.345/01DE-35',
    description: `Creditor's ${Schemas.cnpj.description}; stored and returned plain and upper case`,
  })
  @IsString()
  creditorCnpj: string;
  @ApiProperty({
    example: 125000,
    minimum: 1,
    maximum: AMOUNT_BOUNDS.debt.max,
    description: 'Amount owed in BRL cents, at most R$ 100 million',
  })
  @IsInt()
  @Min(1)
  @Max(AMOUNT_BOUNDS.debt.max)
  amountCents: number;
  @ApiProperty({
    example: '2026-03-10',
    format: 'date',
    pattern: DAY_PATTERN,
    description:
      'The last day to pay, YYYY-MM-DD (no time or zone): the debt is overdue from 00:00 in Brasília the' +
      ' day after. From 1900-01-01 to 50 years ahead',
  })
  @IsCalendarDate()
  dueDate: string;
  @ApiProperty({ enum: DEBT_STATUSES, example: 'OVERDUE' }) @IsIn(DEBT_STATUSES as unknown as string[]) status: string;
  @ApiPropertyOptional({
    example: null,
    format: 'date',
    pattern: DAY_PATTERN,
    nullable: true,
    type: String,
    description:
      'The day the limitation period is complete, YYYY-MM-DD: from 00:00 in Brasília that day the debt' +
      ' leaves every report (CDC art. 43 §5)',
  })
  @IsOptional()
  @IsCalendarDate()
  limitationDate?: string | null;
}

export class UpsertConsumerDto {
  @ApiProperty({
    example: 'Maria da Silva Santos',
    pattern: TWO_VISIBLE,
    description: 'Two or more characters, trimmed',
  })
  @IsString()
  @Length(2, 160)
  name: string;
  @ApiProperty({ type: AddressDto }) @IsObject() @ValidateNested() @Type(() => AddressDto) address: AddressDto;
  @ApiProperty({ type: [DebtDto], description: 'The full list of debts; it replaces what was stored' })
  @IsArray()
  @ArrayMaxSize(500)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => DebtDto)
  debts: DebtDto[];
}

class ConsumerDebtViewDto extends DebtDto {
  @ApiProperty({ example: 45 }) daysOverdue: number;
  @ApiProperty({
    description:
      "False while the consumer's notice period runs (CDC art. 43 §2), and once older than five years or" +
      ' past its limitation date (CDC art. 43 §1 and §5): held, shown to the consumer, never reported',
  })
  reportable: boolean;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: null,
    description:
      'Pending: a newly registered debt waits until the consumer has been notified and the notice period' +
      ' has passed; this is when it becomes reportable. null when it is not pending',
  })
  pendingUntil: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'amqp:acme-financeira',
    description: 'Who registered it through a creditor feed (amqp:<broker user> or api:<client>); null otherwise',
  })
  reportedBy: string | null;
}

export class ConsumerViewDto {
  @ApiProperty({ example: '123.456.789-09' }) cpf: string;
  @ApiProperty({ example: 'Maria da Silva Santos' }) name: string;
  @ApiProperty({ type: AddressDto }) address: AddressDto;
  @ApiProperty({ type: [ConsumerDebtViewDto] }) debts: ConsumerDebtViewDto[];
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
