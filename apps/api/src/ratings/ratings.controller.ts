import { GetRatingJobQuery, MAX_CPFS_PER_JOB, RatingJob, ResumeRatingRegenerationCommand, StartRatingRegenerationCommand } from '@app/credit';
import { ValidationError } from '@app/shared-kernel';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Schemas } from '@app/contracts';
import {
  ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags,
} from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, ValidateIf } from 'class-validator';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ApiErrors } from '../http/api-errors.decorator';
import { JOB_STARTED_LINKS } from '../http/links';
import { Access } from '../auth/access.decorators';
import { AuthenticatedClient } from '../auth/access.guard';
import { Client } from '../http/client';

/** The request body as validated; REGENERATION_REQUEST documents its two shapes. */
export class RegenerationRequestDto {
  @IsIn(['ALL', 'CPFS']) scope: 'ALL' | 'CPFS';
  @ValidateIf((o: RegenerationRequestDto) => o.scope !== 'ALL')
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_CPFS_PER_JOB) @IsString({ each: true })
  cpfs?: string[];
}

const REGENERATION_REQUEST: SchemaObject = {
  oneOf: [
    {
      title: 'All', type: 'object', additionalProperties: false, required: ['scope'],
      properties: { scope: { type: 'string', enum: ['ALL'], description: 'Re-rates every CPF with rating features' } },
    },
    {
      title: 'Listed CPFs', type: 'object', additionalProperties: false, required: ['scope', 'cpfs'],
      properties: {
        scope: { type: 'string', enum: ['CPFS'], description: 'Re-rates the listed CPFs' },
        cpfs: {
          type: 'array', minItems: 1, maxItems: MAX_CPFS_PER_JOB, example: ['12345678909'],
          items: { type: 'string', format: Schemas.cpf.format, pattern: Schemas.CPF_PATTERN, example: '12345678909' },
          description: `1 to ${MAX_CPFS_PER_JOB} CPFs; each is checked (CPF_INVALID names its position)`,
        },
      },
    },
  ],
};

const JOB_ID = ApiParam({
  name: 'id',
  description: 'A job id returned by POST /v1/ratings/regenerations',
  schema: { type: 'string', format: 'uuid' },
});

export class RatingJobDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED'] }) status: string;
  @ApiProperty({ enum: ['ALL', 'CPFS'] }) scope: string;
  @ApiProperty({ minimum: 0, description: 'CPFs in scope: the listed ones, or for ALL an estimate from the store statistics taken when the job was registered; the number processed once it completes' }) total: number;
  @ApiProperty() processed: number;
  @ApiProperty() failed: number;
  @ApiProperty({ minimum: 0, maximum: 100, description: 'processed / total, in percent (at most 100)' }) percent: number;
  @ApiProperty() ratingsPerSecond: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) finishedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error: string | null;
}

function toDto(job: RatingJob): RatingJobDto {
  return {
    id: job.id, status: job.status, scope: job.scope.kind, total: job.total, processed: job.processed, failed: job.failed,
    percent: job.total > 0 ? Math.min(100, Math.round((job.processed / job.total) * 1000) / 10) : job.status === 'COMPLETED' ? 100 : 0,
    ratingsPerSecond: job.ratingsPerSecond, createdAt: job.createdAt.toISOString(), updatedAt: job.updatedAt.toISOString(),
    finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null, error: job.error,
  };
}

@ApiTags('ratings')
@Controller({ path: 'ratings/regenerations', version: '1' })
export class RatingsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(202)
  @Access('ratings:admin')
  @ApiOperation({ summary: 'Regenerate ratings for one CPF, a list, or all', description: 'Starts a job and answers at once with its id; follow progress at GET /v1/ratings/regenerations/{id}.' })
  @ApiBody({ schema: REGENERATION_REQUEST })
  @ApiAcceptedResponse({ type: RatingJobDto, links: JOB_STARTED_LINKS })
  @ApiErrors(400)
  async start(@Body() body: RegenerationRequestDto, @Client() client: AuthenticatedClient): Promise<RatingJobDto> {
    if (body.scope === 'ALL' && body.cpfs !== undefined) {
      throw new ValidationError('VALIDATION_FAILED', 'cpfs', 'is only taken with scope CPFS');
    }
    const scope = body.scope === 'ALL' ? { kind: 'ALL' as const } : { kind: 'CPFS' as const, cpfs: body.cpfs ?? [] };
    return toDto(await this.commands.execute(new StartRatingRegenerationCommand(scope, { correlationId: client.requestId, clientId: client.name })));
  }

  @Post(':id/resume')
  @HttpCode(202)
  @Access('ratings:admin')
  @ApiOperation({ summary: 'Resume a failed or abandoned job', description: 'The worker continues after the last CPF the job rated; nothing is rated twice. A job that progressed in the last minute is refused (409 JOB_ACTIVE), as is a completed one (409 JOB_COMPLETED).' })
  @JOB_ID
  @ApiAcceptedResponse({ type: RatingJobDto })
  @ApiErrors(400, 404, 409)
  async resume(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => new JobIdInvalid() })) id: string, @Client() client: AuthenticatedClient): Promise<RatingJobDto> {
    return toDto(await this.commands.execute(new ResumeRatingRegenerationCommand(id, { correlationId: client.requestId, clientId: client.name })));
  }

  @Get(':id')
  @Access('ratings:admin')
  @ApiOperation({ summary: 'Progress of a regeneration job' })
  @JOB_ID
  @ApiOkResponse({ type: RatingJobDto })
  @ApiErrors(400, 404)
  async get(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => new JobIdInvalid() })) id: string): Promise<RatingJobDto> {
    return toDto(await this.queries.execute(new GetRatingJobQuery(id)));
  }
}

class JobIdInvalid extends ValidationError {
  constructor() {
    super('JOB_ID_INVALID', 'id', 'must be a UUID returned by POST /v1/ratings/regenerations');
  }
}
