import { EVENT_TYPES, MOVEMENT_KINDS } from '@app/credit';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDateString, IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

abstract class EventBaseDto {
  @ApiProperty({
    example: 'evt-2026-11-25-000123',
    description: "Unique among your client's events; re-sending it never duplicates the event, and another client" +
      " may use the same id",
    pattern: '^[A-Za-z0-9._:-]{1,128}$',
  })
  eventId: string;
  @ApiProperty({ example: '123.456.789-09', description: 'CPF, 11 digits or formatted' }) cpf: string;
  @ApiProperty({
    example: '2026-11-20T14:03:00Z',
    format: 'date-time',
    description: 'With a zone; not more than a day ahead nor more than 15 years old (Lei 12.414 art. 14)',
  })
  occurredAt: string;
}

export class BureauInquiryDto extends EventBaseDto {
  @ApiProperty({ enum: ['BUREAU_INQUIRY'] }) type: 'BUREAU_INQUIRY';
  @ApiProperty({ example: 'Banco Horizonte S.A.', maxLength: 160 }) inquirer: string;
  @ApiProperty({ example: 'CREDIT_GRANTING', maxLength: 64 }) purpose: string;
}

export class FinancialMovementDto extends EventBaseDto {
  @ApiProperty({ enum: ['FINANCIAL_MOVEMENT'] }) type: 'FINANCIAL_MOVEMENT';
  @ApiProperty({ enum: MOVEMENT_KINDS, example: 'SALARY' }) kind: string;
  @ApiProperty({
    example: 850000, minimum: -10_000_000_000, maximum: 10_000_000_000,
    description: 'Signed BRL cents, at most R$ 100 million either way, never 0. The sign follows the kind: SALARY,' +
      ' TRANSFER_IN, LOAN_DISBURSEMENT, DEPOSIT positive; TRANSFER_OUT, BILL_PAYMENT, LOAN_PAYMENT, WITHDRAWAL' +
        ' negative; OTHER either',
  })
  amountCents: number;
}

export class CardPurchaseDto extends EventBaseDto {
  @ApiProperty({ enum: ['CARD_PURCHASE'] }) type: 'CARD_PURCHASE';
  @ApiProperty({ example: 'Supermercado Bom Preço', maxLength: 160 }) merchant: string;
  @ApiProperty({ example: '5411', description: 'Merchant category code (ISO 18245), 4 digits from 0742 to 9999' })
  mcc: string;
  @ApiProperty({ example: 15990, minimum: 1, maximum: 100_000_000, description: 'BRL cents, at most R$ 1 million' })
  amountCents: number;
  @ApiProperty({ example: 1, minimum: 1, maximum: 48 }) installments: number;
  @ApiProperty({ example: true }) approved: boolean;
  @ApiProperty({ example: '4242', description: 'Last four digits of the card, never the full number' }) cardLast4: string;
}

export const EVENT_DTOS = [BureauInquiryDto, FinancialMovementDto, CardPurchaseDto];
const eventSchema = { oneOf: EVENT_DTOS.map((d) => ({ $ref: getSchemaPath(d) })), discriminator: { propertyName: 'type' } };

export class IngestBatchDto {
  @ApiProperty({ type: 'array', items: eventSchema, minItems: 1, maxItems: 1000, description: 'Up to 1,000 events; every event is checked and, if any is invalid, none is stored' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @IsObject({ each: true }) events: Record<string, unknown>[];
}

export class BatchItemDto {
  @ApiProperty({ example: 0, description: 'Position of the event in the batch' }) index: number;
  @ApiProperty({ example: 'evt-2026-11-25-000123' }) eventId: string;
  @ApiProperty({
    enum: ['ACCEPTED', 'DUPLICATE'],
    description: 'DUPLICATE: your client already sent this eventId (or it came earlier in this batch); it is not' +
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

export class TransactionsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Start of the window; default 90 days before "to"' }) @IsOptional() @IsDateString() from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'End of the window; default now' }) @IsOptional() @IsDateString() to?: string;
  @ApiPropertyOptional({ description: 'Comma-separated event types', example: 'CARD_PURCHASE,FINANCIAL_MOVEMENT' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value))
  @IsIn(EVENT_TYPES as unknown as string[], { each: true })
  types?: string[];
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor from the previous page' }) @IsOptional() @IsString() @MaxLength(512) cursor?: string;
}

export class TransactionsPageDto {
  @ApiProperty({ example: '123.456.789-09' }) cpf: string;
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ type: 'array', items: eventSchema, description: 'Newest first' }) events: Record<string, unknown>[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class InquiriesQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Default: six months ago' }) @IsOptional() @IsDateString() since?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Transform(({ value }) => Number(value)) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class InquiryViewDto {
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
