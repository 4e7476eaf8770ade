import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Schemas } from '@app/contracts';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsString, Matches, ValidateIf } from 'class-validator';

/** Items are open objects: each is checked on its own by the server, and one that fails is rejected in the receipt. */
const item = (what: string, schemas: string) => ({
  type: 'array' as const,
  minItems: 1,
  maxItems: 1000,
  items: { type: 'object', additionalProperties: true },
  description:
    `Up to 1,000 ${what}, each checked on its own against ${schemas}` +
    ' (the schemas of openapi/asyncapi.yaml):' +
    ' a bad item is listed in `rejected`, the rest is stored',
});

const BATCH_ID = {
  pattern: Schemas.FEED_BATCH_ID_PATTERN,
  example: 'acme-2026-12-04-0001',
  description: 'Your id for the batch, 1-128 letters, digits or ._:-, echoed in the answer; a new id when absent',
};
const BATCH_ID_FORM = new RegExp(Schemas.FEED_BATCH_ID_PATTERN);
const BATCH_ID_MESSAGE = 'batchId must be 1-128 letters, digits or ._:-';

/** Only left out means "a new id": null is refused like any other value that is not an id. */
const FeedBatchId = () =>
  applyDecorators(
    ApiPropertyOptional(BATCH_ID),
    ValidateIf((o: { batchId?: unknown }) => o.batchId !== undefined),
    IsString(),
    Matches(BATCH_ID_FORM, { message: BATCH_ID_MESSAGE }),
  );

/** The batch's items as the envelope checks them: 1 to 1,000 objects, each validated later on its own. */
const FeedItems = () => applyDecorators(IsArray(), ArrayMinSize(1), ArrayMaxSize(1000), IsObject({ each: true }));

export class DebtReportsDto {
  @FeedBatchId()
  batchId?: string;
  @ApiProperty({
    ...item(
      'debt reports',
      'RegisterDebtReport, UpdateDebtAmountReport, PayDebtReport, RenegotiateDebtReport or' +
        ' RemoveDebtReport, told apart by `operation`',
    ),
    example: [
      {
        operation: 'REGISTER',
        cpf: '123.456.789-09',
        creditorCnpj: '11.222.333/0001-81',
        contractId: 'CTR-2026-0001',
        creditor: 'Banco Horizonte S.A.',
        amountCents: 125000,
        dueDate: '2026-09-10',
      },
    ],
  })
  @FeedItems()
  reports: Record<string, unknown>[];
}

export class ConsumerRecordsDto {
  @FeedBatchId()
  batchId?: string;
  @ApiProperty({
    ...item('consumer records', 'ConsumerRecord'),
    example: [
      {
        cpf: '123.456.789-09',
        name: 'Maria da Silva Santos',
        address: {
          street: 'Avenida Paulista',
          number: '1578',
          district: 'Bela Vista',
          city: 'São Paulo',
          state: 'SP',
          postalCode: '01310-200',
        },
      },
    ],
  })
  @FeedItems()
  records: Record<string, unknown>[];
}

class RejectedItemDto {
  @ApiProperty({ example: 3, description: 'Position of the item in the batch as sent' }) index: number;
  @ApiProperty({ example: 'DEBT_NOT_FOUND' }) code: string;
  @ApiProperty({ example: 'reports[3].contractId' }) field: string;
  @ApiProperty({ example: 'no debt of this creditor and contract is held for this CPF', description: 'CPFs masked' })
  reason: string;
}

export class FeedReceiptDto {
  @ApiProperty({ example: 'acme-2026-12-04-0001' }) batchId: string;
  @ApiProperty({ example: 250, description: 'Items in the batch' }) received: number;
  @ApiProperty({ example: 249, description: 'Items stored, or already held exactly so (a re-sent item)' })
  accepted: number;
  @ApiProperty({ type: [RejectedItemDto], description: 'Every item not stored, in the order sent' })
  rejected: RejectedItemDto[];
}
