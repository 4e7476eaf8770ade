import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RatingViewDto } from '../ratings/rating.dto';

class DebtSummaryDto {
  @ApiProperty() reportableCount: number;
  @ApiProperty() openCount: number;
  @ApiProperty() overdueCount: number;
  @ApiProperty({ description: 'BRL cents' }) openAmountCents: number;
  @ApiProperty({ description: 'BRL cents' }) overdueAmountCents: number;
  @ApiProperty() maxDaysOverdue: number;
}

class ReportedDebtDto {
  @ApiProperty() id: string;
  @ApiProperty() creditor: string;
  @ApiProperty() creditorCnpj: string;
  @ApiProperty() amountCents: number;
  @ApiProperty({ format: 'date', description: 'YYYY-MM-DD; overdue from 00:00 in Brasília the day after' })
  dueDate: string;
  @ApiProperty() status: string;
  @ApiProperty({ description: 'Whole days since the due day, on the Brasília calendar; 0 until that day has ended' })
  daysOverdue: number;
}

class DebtsDto {
  @ApiProperty({ type: DebtSummaryDto }) summary: DebtSummaryDto;
  @ApiProperty({
    type: [ReportedDebtDto],
    description: 'Only debts a report may show: under five years since due and not past their limitation date',
  })
  items: ReportedDebtDto[];
}

class ProfileDto {
  @ApiProperty() ageYears: number;
  @ApiProperty() monthlyIncomeCents: number;
  @ApiProperty() incomeSourceCount: number;
  @ApiProperty() assetsValueCents: number;
  @ApiProperty() assetsOutstandingCents: number;
}

class MovementWindowDto {
  @ApiProperty() inflowCents: number;
  @ApiProperty() outflowCents: number;
  @ApiProperty() count: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Net cents per movement kind',
  })
  byKind: Record<string, number>;
}

class LastInquiryDto {
  @ApiProperty() inquirer: string;
  @ApiProperty() purpose: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
}

class LastCardPurchaseDto {
  @ApiProperty() merchant: string;
  @ApiProperty() mcc: string;
  @ApiProperty() amountCents: number;
  @ApiProperty() installments: number;
  @ApiProperty() approved: boolean;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
}

class CardPurchases90dDto {
  @ApiProperty() count: number;
  @ApiProperty() approvedCount: number;
  @ApiProperty() declinedCount: number;
  @ApiProperty() approvedAmountCents: number;
}

class TransactionSummaryDto {
  @ApiPropertyOptional({
    type: LastInquiryDto,
    nullable: true,
    description: 'The newest inquiry made for a credit decision',
  })
  lastInquiry: LastInquiryDto | null;
  @ApiProperty({
    description:
      'Inquiries made for a credit decision (CREDIT_GRANTING, CREDIT_REVIEW, RENTAL_GUARANTEE) since 00:00 in' +
      ' Brasília six months back: what scoring counts. ' +
      "The subject's own consultations and other purposes are left out (Lei 12.414 art. 5 II); the subject sees" +
      ' every one of them',
  })
  inquiriesLast6Months: number;
  @ApiProperty({ type: MovementWindowDto }) movements30d: MovementWindowDto;
  @ApiProperty({ type: MovementWindowDto }) movements90d: MovementWindowDto;
  @ApiPropertyOptional({ type: LastCardPurchaseDto, nullable: true }) lastCardPurchase: LastCardPurchaseDto | null;
  @ApiProperty({ type: CardPurchases90dDto }) cardPurchases90d: CardPurchases90dDto;
}

export class CreditAnalysisDto {
  @ApiProperty({ example: '123.456.789-09' }) cpf: string;
  @ApiProperty() name: string;
  @ApiProperty({
    format: 'date-time',
    description: 'When this analysis was assembled (a cached one may be up to the cache TTL old)',
  })
  generatedAt: string;
  @ApiPropertyOptional({ type: RatingViewDto, nullable: true }) rating: RatingViewDto | null;
  @ApiPropertyOptional({ type: ProfileDto, nullable: true }) profile: ProfileDto | null;
  @ApiProperty({ type: DebtsDto }) debts: DebtsDto;
  @ApiProperty({ type: TransactionSummaryDto }) transactions: TransactionSummaryDto;
}
