import {
  CorrectConsumerCommand,
  Correction,
  GetSubjectConsultationsQuery,
  GetSubjectExportQuery,
  SUBJECT_CURSOR_MAX_LENGTH,
} from '@app/credit-application';
import { Body, Controller, Get, Param, Patch, Query, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBody,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsCorrectionValue, IsDebtIdOfCorrection } from './correction-value.validator';
import { DebtCorrectionDto } from './debt-correction.dto';
import { Access } from '../auth/access.decorators';
import { AuthenticatedRequest } from '../auth/access.guard';
import { AddressDto } from '../consumers/consumer.dto';
import { ApiErrors } from '../http/api-errors.decorator';
import { ApiCpfParam } from '../http/cpf.param';
import { TWO_VISIBLE } from '../http/text-patterns';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

class AccessDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({
    example: 'Banco Horizonte S.A.',
    description: "The verified client: its API key's client name, or amqp:<broker user> for requests over RabbitMQ",
  })
  client: string;
  @ApiProperty({ example: 'CREDIT_GRANTING', nullable: true, type: String }) purpose: string | null;
  @ApiProperty({ example: 'READ', enum: ['READ', 'WRITE'] }) action: string;
  @ApiProperty({ example: 'ANALYSIS' }) resource: string;
  @ApiProperty({ example: 'SUCCESS' }) outcome: string;
  @ApiPropertyOptional({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: "What a write changed, e.g. a correction's reason, before and after (export only)",
  })
  detail?: object | null;
}

class InquiryDto {
  @ApiProperty({
    description:
      'Who asked, as the bureau recorded it: the verified client for analyses, or the name a source' + ' reported',
  })
  inquirer: string;
  @ApiProperty() purpose: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'bureau',
    description:
      'Who reported the inquiry: bureau for analyses the bureau served, api:<client> or amqp:<user> for' +
      ' partners; null before sources were kept',
  })
  source: string | null;
}

export class SubjectPageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 500, description: 'Most items of each list on one page' })
  @IsOptional()
  @Transform(({ value }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
  @ApiPropertyOptional({
    format: 'subject-cursor',
    maxLength: SUBJECT_CURSOR_MAX_LENGTH,
    description: 'nextCursor from the previous page, as it came: opaque, checked when it comes back (CURSOR_INVALID)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(SUBJECT_CURSOR_MAX_LENGTH)
  cursor?: string;
}

class ConsultationsDto {
  @ApiProperty({ example: '123.456.789-09' }) cpf: string;
  @ApiProperty({ format: 'date-time', description: '00:00 in Brasília six months back (Lei 12.414 art. 6 IV)' })
  since: string;
  @ApiProperty({
    type: [InquiryDto],
    description: 'Bureau inquiries: analyses requested for this CPF, every purpose, newest first',
  })
  inquiries: InquiryDto[];
  @ApiProperty({
    type: [AccessDto],
    description: 'Every successful read of this CPF’s personal data, from the audit log, newest first',
  })
  accesses: AccessDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next page; null when both lists are complete',
  })
  nextCursor: string | null;
}

class SubjectExportDto {
  @ApiProperty({ example: '123.456.789-09' }) cpf: string;
  @ApiProperty({ format: 'date-time' }) generatedAt: string;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'A_CONSUMER: name, address and every debt, reportable or not',
  })
  consumer: object | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'B_RATING inputs' })
  ratingFeatures: object | null;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'Every rating kept, newest first, including those no longer served',
  })
  ratings: object[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'C_TRANSACTIONS, newest first, each with the source that reported it (Lei 12.414 art. 6 II)',
  })
  transactions: object[];
  @ApiProperty({ type: [InquiryDto] }) inquiries: InquiryDto[];
  @ApiProperty({
    type: [AccessDto],
    description: 'Every audit entry about this CPF: reads, writes and refusals, with their detail',
  })
  accesses: AccessDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Pass as cursor for the next page; null when every list is complete. Each page repeats consumer and' +
      ' ratingFeatures',
  })
  nextCursor: string | null;
}

/** The correction as validated; CORRECTION below documents its three shapes. */
class CorrectionDto {
  @IsIn(['name', 'address', 'debt']) field: 'name' | 'address' | 'debt';
  @IsDebtIdOfCorrection() debtId?: string;
  @IsCorrectionValue() value: string | AddressDto | DebtCorrectionDto | null;
  @IsString() @IsNotEmpty() @MaxLength(500) reason: string;
}

class CorrectionResultDto {
  @ApiProperty({ enum: ['name', 'address', 'debt'] }) field: string;
  @ApiProperty({ description: 'False when the stored data already was the corrected value (a repeated request)' })
  changed: boolean;
  @ApiProperty({ example: 'corr-3f1c0e9a5b7d4c2e8a6b1d0f9e8c7b6a' }) correctionId: string;
  @ApiProperty({
    type: [String],
    example: ['Banco Horizonte S.A.'],
    description: 'Clients that received the wrong data in the last six months and are being notified (CDC art. 43 §3)',
  })
  recipients: string[];
}

const REASON: SchemaObject = {
  type: 'string',
  minLength: 1,
  maxLength: 500,
  example: 'Nome registrado com erro de digitação',
  description:
    'Why the data subject asked for the correction; kept, encrypted, in the audit entry with the values' +
    ' before and after',
};
const DEBT_ID: SchemaObject = {
  type: 'string',
  pattern: '^[A-Za-z0-9._:-]{1,64}$',
  example: 'contract-2024-0001',
  description: 'The debt to correct or cancel',
};
/** CorrectionDto as the contract states it: the value's shape depends on the field, which one DTO cannot say. */
const CORRECTION: SchemaObject = {
  oneOf: [
    {
      title: 'Name',
      type: 'object',
      additionalProperties: false,
      required: ['field', 'value', 'reason'],
      properties: {
        field: { type: 'string', enum: ['name'] },
        value: { type: 'string', minLength: 2, maxLength: 160, pattern: TWO_VISIBLE, example: 'Maria da Silva Santos' },
        reason: REASON,
      },
    },
    {
      title: 'Address',
      type: 'object',
      additionalProperties: false,
      required: ['field', 'value', 'reason'],
      properties: {
        field: { type: 'string', enum: ['address'] },
        value: { $ref: getSchemaPath(AddressDto) },
        reason: REASON,
      },
    },
    {
      title: 'Debt',
      type: 'object',
      additionalProperties: false,
      required: ['field', 'debtId', 'value', 'reason'],
      properties: {
        field: { type: 'string', enum: ['debt'] },
        debtId: DEBT_ID,
        value: {
          nullable: true,
          allOf: [{ $ref: getSchemaPath(DebtCorrectionDto) }],
          minProperties: 1,
          description: 'The fields to correct (at least one), or null to cancel the debt',
        },
        reason: REASON,
      },
    },
  ],
};

@ApiTags('data subject rights')
@ApiExtraModels(AddressDto, DebtCorrectionDto)
@Controller({ path: 'subjects', version: '1' })
export class SubjectsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get(':cpf/consultations')
  @Access('subject:read', { purpose: true, audit: { resource: 'INQUIRIES', action: 'READ' } })
  @ApiOperation({
    summary: 'Who consulted this CPF in the last six months',
    description:
      'Every analysis requested and every read of the personal data in the last six months (Lei 12.414 art. 6 IV),' +
      ' with the verified client, the purpose and the time, ' +
      'however many they are: both lists are paged together; follow nextCursor until it is null.',
  })
  @ApiCpfParam()
  @ApiOkResponse({ type: ConsultationsDto })
  @ApiErrors(400)
  consultations(@Param('cpf') cpf: string, @Query() q: SubjectPageQueryDto) {
    return this.queries.execute(
      new GetSubjectConsultationsQuery(cpf, { limit: q.limit ?? 500, cursor: q.cursor ?? null }),
    );
  }

  @Get(':cpf/export')
  @Access('subject:read', { purpose: true, audit: { resource: 'SUBJECT_EXPORT', action: 'READ' } })
  @ApiOperation({
    summary: 'Everything held about a CPF',
    description:
      'A complete export across A_CONSUMER, B_RATING and C_TRANSACTIONS, including debts no report may show, the' +
      ' source of every event and every audit entry ' +
      '(LGPD art. 18 II, 19 II). Nothing is capped: the lists are paged together; follow nextCursor until it is null.',
  })
  @ApiCpfParam()
  @ApiOkResponse({ type: SubjectExportDto })
  @ApiErrors(400, 404)
  export(@Param('cpf') cpf: string, @Query() q: SubjectPageQueryDto) {
    return this.queries.execute(new GetSubjectExportQuery(cpf, { limit: q.limit ?? 500, cursor: q.cursor ?? null }));
  }

  @Patch(':cpf/corrections')
  @Access('consumer:write', { audit: { resource: 'CONSUMER', action: 'WRITE' } })
  @ApiOperation({
    summary: 'Correct or cancel wrong data of the consumer record',
    description:
      'A name, an address, or a debt (corrected field by field, or cancelled with value null). The audit entry keeps' +
      ' the reason and the values before and after. ' +
      'The cached analysis is evicted, the CPF re-scored, and every client that received the wrong data in the last' +
      ' six months is notified through the ' +
      'credit.corrections.notify.v1 queue (CDC art. 43 §3, LGPD art. 18 §6).',
  })
  @ApiCpfParam()
  @ApiBody({ schema: CORRECTION })
  @ApiOkResponse({ type: CorrectionResultDto })
  @ApiErrors(400, 404)
  async correct(
    @Param('cpf') cpf: string,
    @Body() body: CorrectionDto,
    @Req() request: AuthenticatedRequest,
  ): Promise<CorrectionResultDto> {
    const correction: Correction =
      body.field === 'debt'
        ? { field: 'debt', debtId: body.debtId ?? '', value: body.value as DebtCorrectionDto | null }
        : body.field === 'name'
          ? { field: 'name', value: body.value as string }
          : { field: 'address', value: body.value as AddressDto };
    const result = await this.commands.execute(
      new CorrectConsumerCommand(cpf, correction, body.reason, {
        correlationId: request.client?.requestId ?? 'none',
        clientId: request.client?.name,
      }),
    );
    request.auditDetail = result.audit;
    return {
      field: result.field,
      changed: result.changed,
      correctionId: result.correctionId,
      recipients: result.recipients,
    };
  }
}
