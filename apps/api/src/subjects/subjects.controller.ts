import { CorrectConsumerCommand, GetSubjectConsultationsQuery, GetSubjectExportQuery } from '@app/credit';
import { Body, Controller, Get, Param, Patch, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProperty, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsString, Length, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { Access } from '../auth/access.decorators';
import { AuthenticatedRequest } from '../auth/access.guard';
import { AddressDto } from '../consumers/consumer.dto';
import { ApiErrors } from '../http/api-errors.decorator';
import { ApiCpfParam } from '../http/cpf.param';
import { apiValidationPipe } from '../http/validation.pipe';
import { TWO_VISIBLE } from '../http/text-patterns';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

class AccessDto {
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: 'Banco Horizonte S.A.' }) client: string;
  @ApiProperty({ example: 'CREDIT_GRANTING', nullable: true, type: String }) purpose: string | null;
  @ApiProperty({ example: 'ANALYSIS' }) resource: string;
  @ApiProperty({ example: 'SUCCESS' }) outcome: string;
}

class InquiryDto {
  @ApiProperty() inquirer: string;
  @ApiProperty() purpose: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
}

export class ConsultationsDto {
  @ApiProperty({ example: '123.456.789-09' }) cpf: string;
  @ApiProperty({ format: 'date-time' }) since: string;
  @ApiProperty({ type: [InquiryDto], description: 'Credit analyses requested for this CPF' }) inquiries: InquiryDto[];
  @ApiProperty({ type: [AccessDto], description: 'Every successful read of this CPF’s personal data, from the audit log' }) accesses: AccessDto[];
}

export class SubjectExportDto {
  @ApiProperty({ example: '123.456.789-09' }) cpf: string;
  @ApiProperty({ format: 'date-time' }) generatedAt: string;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'A_CONSUMER: name, address and every debt, reportable or not' }) consumer: object | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'B_RATING inputs' }) ratingFeatures: object | null;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Ratings, newest first' }) ratings: object[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'C_TRANSACTIONS of the last five years, newest first' }) transactions: object[];
  @ApiProperty({ type: [InquiryDto] }) inquiries: InquiryDto[];
  @ApiProperty({ type: [AccessDto] }) accesses: AccessDto[];
}

export class CorrectionDto {
  @ApiProperty({ enum: ['name', 'address'] }) @IsIn(['name', 'address']) field: 'name' | 'address';
  @ApiProperty({ oneOf: [{ type: 'string', example: 'Maria da Silva Santos' }, { $ref: getSchemaPath(AddressDto) }], description: 'The corrected value: a name, or a whole address' })
  @ValidateIf((o: CorrectionDto) => o.field === 'name') @IsString() @Length(2, 160)
  @ValidateIf((o: CorrectionDto) => o.field === 'address') @ValidateNested() @Type(() => AddressDto)
  value: string | AddressDto;
  @ApiProperty({ example: 'Nome registrado com erro de digitação', description: 'Why the data subject asked for the correction; kept for the record' }) @IsString() @IsNotEmpty() @MaxLength(500) reason: string;
}

const REASON = {
  type: 'string', minLength: 1, maxLength: 500, example: 'Nome registrado com erro de digitação',
  description: 'Why the data subject asked for the correction; kept for the record',
};
/** CorrectionDto as the contract states it: the value's shape depends on the field, which one schema cannot say. */
const CORRECTION: SchemaObject = {
  oneOf: [
    {
      title: 'Name', type: 'object', additionalProperties: false, required: ['field', 'value', 'reason'],
      properties: {
        field: { type: 'string', enum: ['name'] },
        value: { type: 'string', minLength: 2, maxLength: 160, pattern: TWO_VISIBLE, example: 'Maria da Silva Santos' },
        reason: REASON,
      },
    },
    {
      title: 'Address', type: 'object', additionalProperties: false, required: ['field', 'value', 'reason'],
      properties: { field: { type: 'string', enum: ['address'] }, value: { $ref: getSchemaPath(AddressDto) }, reason: REASON },
    },
  ],
};

@ApiTags('data subject rights')
@ApiExtraModels(AddressDto)
@Controller({ path: 'subjects', version: '1' })
export class SubjectsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly commands: CommandBus,
  ) {}

  @Get(':cpf/consultations')
  @Access('subject:read', { purpose: true, audit: { resource: 'INQUIRIES', action: 'READ' } })
  @ApiOperation({ summary: 'Who consulted this CPF in the last six months', description: 'Client name, purpose and time of every analysis requested and every read of the personal data.' })
  @ApiCpfParam()
  @ApiOkResponse({ type: ConsultationsDto })
  @ApiErrors(400)
  consultations(@Param('cpf') cpf: string) {
    return this.queries.execute(new GetSubjectConsultationsQuery(cpf));
  }

  @Get(':cpf/export')
  @Access('subject:read', { purpose: true, audit: { resource: 'SUBJECT_EXPORT', action: 'READ' } })
  @ApiOperation({ summary: 'Everything held about a CPF', description: 'A full export across A_CONSUMER, B_RATING and C_TRANSACTIONS, including debts no report may show, and who accessed the data.' })
  @ApiCpfParam()
  @ApiOkResponse({ type: SubjectExportDto })
  @ApiErrors(400, 404)
  export(@Param('cpf') cpf: string) {
    return this.queries.execute(new GetSubjectExportQuery(cpf));
  }

  @Patch(':cpf/corrections')
  @Access('consumer:write', { audit: { resource: 'CONSUMER', action: 'WRITE' } })
  @ApiOperation({ summary: 'Correct a field of the consumer record', description: 'The change is audited, the cached analysis is evicted and the CPF re-scored.' })
  @ApiCpfParam()
  @ApiBody({ schema: CORRECTION })
  @ApiOkResponse({ schema: { type: 'object', properties: { field: { type: 'string' }, changed: { type: 'boolean' } } } })
  @ApiErrors(400, 404)
  async correct(@Param('cpf') cpf: string, @Body() body: CorrectionDto, @Req() request: AuthenticatedRequest) {
    // The two @ValidateIf on `value` switch each other off, so an address is checked here, field by field.
    if (body.field === 'address') {
      await apiValidationPipe().transform(body.value, { type: 'body', metatype: AddressDto });
    }
    const correction = body.field === 'name' ? { field: 'name' as const, value: body.value as string } : { field: 'address' as const, value: body.value as AddressDto };
    return this.commands.execute(new CorrectConsumerCommand(cpf, correction, body.reason, { correlationId: request.client?.requestId ?? 'none', clientId: request.client?.name }));
  }
}
