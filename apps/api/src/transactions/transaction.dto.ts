import { Schemas } from '@app/contracts';
import { EVENT_TYPES, MOVEMENT_KINDS } from '@app/credit-domain';
import { ApiHideProperty, ApiProperty, ApiPropertyOptional, ApiQuery, getSchemaPath } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { NOT_BLANK } from '../http/text-patterns';

const FOUR_DIGITS = '^[0-9]{4}$';
/** ISO 18245 merchant category codes in use: 0742 to 9999. */
const MCC = '^(?:074[2-9]|07[5-9][0-9]|0[89][0-9]{2}|[1-9][0-9]{3})$';

abstract class EventBaseDto {
  @ApiProperty({
    example: 'evt-2026-11-25-000123',
    description:
      "Unique among your client's events; re-sending it never duplicates the event, and another client" +
      ' may use the same id',
    pattern: '^[A-Za-z0-9._:-]{1,128}$',
  })
  eventId: string;
  @ApiProperty({
    type: 'string',
    format: Schemas.cpf.format,
    pattern: Schemas.CPF_PATTERN,
    example: '123.456.789-09',
    description: Schemas.cpf.description,
  })
  cpf: string;
  @ApiProperty({
    example: '2026-11-20T14:03:00Z',
    format: 'date-time',
    description: 'With a zone; not more than a day ahead nor more than 15 years old (Lei 12.414 art. 14)',
  })
  occurredAt: string;
}

class BureauInquiryDto extends EventBaseDto {
  @ApiProperty({ enum: ['BUREAU_INQUIRY'] }) type: 'BUREAU_INQUIRY';
  @ApiProperty({ example: 'Banco Horizonte S.A.', maxLength: 160, pattern: NOT_BLANK }) inquirer: string;
  @ApiProperty({ example: 'CREDIT_GRANTING', maxLength: 64, pattern: NOT_BLANK, description: 'Why it was consulted' })
  purpose: string;
}

class FinancialMovementDto extends EventBaseDto {
  @ApiProperty({ enum: ['FINANCIAL_MOVEMENT'] }) type: 'FINANCIAL_MOVEMENT';
  @ApiProperty({ enum: MOVEMENT_KINDS, example: 'SALARY' }) kind: string;
  @ApiProperty({
    type: 'integer',
    example: 850000,
    minimum: -10_000_000_000,
    maximum: 10_000_000_000,
    not: { enum: [0] },
    description:
      'Signed BRL cents, at most R$ 100 million either way, never 0. The sign follows the kind: SALARY,' +
      ' TRANSFER_IN, LOAN_DISBURSEMENT, DEPOSIT positive; TRANSFER_OUT, BILL_PAYMENT, LOAN_PAYMENT, WITHDRAWAL' +
      ' negative; OTHER either',
  })
  amountCents: number;
}

class CardPurchaseDto extends EventBaseDto {
  @ApiProperty({ enum: ['CARD_PURCHASE'] }) type: 'CARD_PURCHASE';
  @ApiProperty({ example: 'Supermercado Bom Preço', maxLength: 160, pattern: NOT_BLANK }) merchant: string;
  @ApiProperty({
    example: '5411',
    pattern: MCC,
    description: 'Merchant category code (ISO 18245), 4 digits from 0742 to 9999',
  })
  mcc: string;
  @ApiProperty({
    type: 'integer',
    example: 15990,
    minimum: 1,
    maximum: 100_000_000,
    description: 'BRL cents, at most R$ 1 million',
  })
  amountCents: number;
  @ApiPropertyOptional({ type: 'integer', nullable: true, example: 1, minimum: 1, maximum: 48, default: 1 })
  installments?: number | null;
  @ApiProperty({ example: true }) approved: boolean;
  @ApiProperty({ example: '4242', pattern: FOUR_DIGITS, description: 'Last four digits of the card, never all of it' })
  cardLast4: string;
}

export const EVENT_DTOS = [BureauInquiryDto, FinancialMovementDto, CardPurchaseDto];
const eventSchema = {
  oneOf: EVENT_DTOS.map((d) => ({ $ref: getSchemaPath(d) })),
  discriminator: {
    propertyName: 'type',
    mapping: {
      BUREAU_INQUIRY: getSchemaPath(BureauInquiryDto),
      FINANCIAL_MOVEMENT: getSchemaPath(FinancialMovementDto),
      CARD_PURCHASE: getSchemaPath(CardPurchaseDto),
    },
  },
};

export class IngestBatchDto {
  @ApiProperty({
    type: 'array',
    items: eventSchema,
    minItems: 1,
    maxItems: 1000,
    description: 'Up to 1,000 events; every event is checked and, if any is invalid, none is stored',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsObject({ each: true })
  events: Record<string, unknown>[];
}

class BatchItemDto {
  @ApiProperty({ example: 0, description: 'Position of the event in the batch' }) index: number;
  @ApiProperty({ example: 'evt-2026-11-25-000123' }) eventId: string;
  @ApiProperty({
    enum: ['ACCEPTED', 'DUPLICATE'],
    description:
      'DUPLICATE: your client already sent this eventId (or it came earlier in this batch); it is not' +
      ' stored again',
  })
  status: 'ACCEPTED' | 'DUPLICATE';
}

export class BatchAcceptedDto {
  @ApiProperty({ format: 'uuid' }) batchId: string;
  @ApiProperty({ example: 249, description: 'Events accepted for storage: new for your client' }) accepted: number;
  @ApiProperty({ example: 1, description: 'Events your client had already sent, not stored again' }) duplicates: number;
  @ApiProperty({ type: [BatchItemDto], description: 'One per event, in the order sent' }) items: BatchItemDto[];
}

/** The `types` filter of TransactionsQueryDto: event types as one comma-separated query value. */
export const ApiEventTypesQuery = () =>
  ApiQuery({
    name: 'types',
    required: false,
    style: 'form',
    explode: false,
    description: 'Event types, comma-separated',
    example: ['CARD_PURCHASE', 'FINANCIAL_MOVEMENT'],
    schema: { type: 'array', items: { type: 'string', enum: [...EVENT_TYPES] } },
  });

export class TransactionsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Start of the window; default 90 days before "to"' })
  @IsOptional()
  @IsDateString()
  from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'End of the window; default now' })
  @IsOptional()
  @IsDateString()
  to?: string;
  // Documented by ApiEventTypesQuery: a comma-separated list is an array with style form, explode false, which a
  // property of a query DTO cannot declare.
  @ApiHideProperty()
  @IsOptional()
  @Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
      : value,
  )
  @IsIn(EVENT_TYPES as unknown as string[], { each: true })
  types?: string[];
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
  @ApiPropertyOptional({
    format: 'cursor',
    description: 'The nextCursor of the previous page (base64url of the JSON pair [epoch ms, event id])',
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export class TransactionsPageDto {
  @ApiProperty({ example: '123.456.789-09' }) cpf: string;
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ type: 'array', items: eventSchema, description: 'Newest first' }) events: Record<string, unknown>[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class InquiriesQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Default: six months ago' })
  @IsOptional()
  @IsDateString()
  since?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

class InquiryViewDto {
  @ApiProperty() eventId: string;
  @ApiProperty({ example: 'Banco Horizonte S.A.' }) inquirer: string;
  @ApiProperty({ example: 'CREDIT_GRANTING' }) purpose: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
}

export class InquiriesViewDto {
  @ApiProperty({ example: '123.456.789-09' }) cpf: string;
  @ApiProperty({ format: 'date-time' }) since: string;
  @ApiProperty({ type: [InquiryViewDto], description: 'Newest first' }) inquiries: InquiryViewDto[];
}
