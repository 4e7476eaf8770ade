import {
  GetRatingJobQuery,
  MAX_CPFS_PER_JOB,
  RatingJob,
  ResumeRatingRegenerationCommand,
  StartRatingRegenerationCommand,
} from '@app/credit-application';
import { RATING_BANDS } from '@app/credit-domain';
import { ValidationError } from '@app/shared-kernel';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Schemas } from '@app/contracts';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, Matches, ValidateIf } from 'class-validator';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ApiErrors } from '../http/api-errors.decorator';
import { JOB_STARTED_LINKS } from '../http/links';
import { Access } from '../auth/access.decorators';
import { AuthenticatedClient } from '../auth/access.guard';
import { Client } from '../http/client';

const MODEL_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MODEL_VERSION_PROPERTY: SchemaObject = {
  type: 'string',
  pattern: MODEL_VERSION.source,
  example: 'woe-logistic-v1',
  description:
    'Rate with this model version (a model release: the rating workers must be deployed with it); by default the deployed one',
};

/** The request body as validated; REGENERATION_REQUEST documents its three shapes. */
class RegenerationRequestDto {
  @IsIn(['ALL', 'CPFS', 'EXPIRED']) scope: 'ALL' | 'CPFS' | 'EXPIRED';
  @ValidateIf((o: RegenerationRequestDto) => o.scope === 'CPFS')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CPFS_PER_JOB)
  @IsString({ each: true })
  cpfs?: string[];
  // Only left out means "the deployed model": null is refused like any other value that is not a version.
  @ValidateIf((o: RegenerationRequestDto) => o.modelVersion !== undefined)
  @IsString()
  @Matches(MODEL_VERSION)
  modelVersion?: string;
}

class PartitionTallyDto {
  @ApiProperty({ minimum: 1 }) total: number;
  @ApiProperty({ minimum: 0 }) completed: number;
  @ApiProperty({ minimum: 0 }) running: number;
  @ApiProperty({
    minimum: 0,
    description: 'Running, but its worker stopped heartbeating; another worker takes it over',
  })
  stalled: number;
  @ApiProperty({
    minimum: 0,
    description: 'Given up on after a permanent error or the last retry; resume sends them again',
  })
  failed: number;
  @ApiProperty({ minimum: 0, description: 'Not started yet, or waiting for a retry' }) pending: number;
}

class BandMoveDto {
  @ApiProperty({ enum: RATING_BANDS, description: 'The band the consumers were in before the job' }) from: string;
  @ApiProperty({ minimum: 0, description: 'Moved to a better band' }) up: number;
  @ApiProperty({ minimum: 0, description: 'Moved to a worse band' }) down: number;
  @ApiProperty({ minimum: 0, description: 'Stayed in the band' }) same: number;
}

const REGENERATION_REQUEST: SchemaObject = {
  oneOf: [
    {
      title: 'All',
      type: 'object',
      additionalProperties: false,
      required: ['scope'],
      properties: {
        scope: { type: 'string', enum: ['ALL'], description: 'Re-rates every CPF with rating features or a rating' },
        modelVersion: MODEL_VERSION_PROPERTY,
      },
    },
    {
      title: 'Expired',
      type: 'object',
      additionalProperties: false,
      required: ['scope'],
      properties: {
        scope: {
          type: 'string',
          enum: ['EXPIRED'],
          description:
            'Re-rates the CPFs whose rating rests on a negative record no longer reportable (the daily sweep does this on its own)',
        },
        modelVersion: MODEL_VERSION_PROPERTY,
      },
    },
    {
      title: 'Listed CPFs',
      type: 'object',
      additionalProperties: false,
      required: ['scope', 'cpfs'],
      properties: {
        scope: { type: 'string', enum: ['CPFS'], description: 'Re-rates the listed CPFs' },
        modelVersion: MODEL_VERSION_PROPERTY,
        cpfs: {
          type: 'array',
          minItems: 1,
          maxItems: MAX_CPFS_PER_JOB,
          example: ['12345678909'],
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

class RatingJobDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED'] }) status: string;
  @ApiProperty({ enum: ['ALL', 'CPFS', 'EXPIRED'] }) scope: string;
  @ApiProperty({ example: 'woe-logistic-v1' }) modelVersion: string;
  @ApiProperty({
    minimum: 0,
    description:
      'CPFs in scope: the listed ones, or for ALL the estimate the job was planned with; the number processed once it completes',
  })
  total: number;
  @ApiProperty({ minimum: 0 }) processed: number;
  @ApiProperty({ minimum: 0, description: 'New ratings stored' }) rated: number;
  @ApiProperty({ minimum: 0, description: 'Came out the same as the stored rating' }) unchanged: number;
  @ApiProperty({ minimum: 0, description: 'Neither consumer data nor rating features: nothing to rate' })
  noData: number;
  @ApiProperty({ minimum: 0 }) failed: number;
  @ApiProperty({
    minimum: 0,
    maximum: 100,
    description: 'processed / total, in percent (at most 100); for EXPIRED, partitions completed / partitions',
  })
  percent: number;
  @ApiProperty() ratingsPerSecond: number;
  @ApiProperty({ type: PartitionTallyDto }) partitions: PartitionTallyDto;
  @ApiProperty({
    type: [BandMoveDto],
    description: 'Per band before the job, how many consumers moved up, down or stayed',
  })
  bandMoves: BandMoveDto[];
  @ApiProperty({ minimum: 0, description: 'Consumers rated for the first time' }) newlyRated: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) finishedAt: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error: string | null;
}

/** Of the CPFs in scope; a sweep, which learns how many it has only as it goes, by its partitions. */
function percentDone(job: RatingJob): number {
  if (job.status === 'COMPLETED') return 100;
  const [done, of] =
    job.scope.kind === 'EXPIRED' ? [job.partitions.completed, job.partitions.total] : [job.processed, job.total];
  return of > 0 ? Math.min(100, Math.round((done / of) * 1000) / 10) : 0;
}

function toDto(job: RatingJob): RatingJobDto {
  return {
    id: job.id,
    status: job.status,
    scope: job.scope.kind,
    modelVersion: job.modelVersion,
    total: job.total,
    processed: job.processed,
    rated: job.rated,
    unchanged: job.unchanged,
    noData: job.noData,
    failed: job.failed,
    percent: percentDone(job),
    ratingsPerSecond: job.ratingsPerSecond,
    partitions: { ...job.partitions },
    bandMoves: RATING_BANDS.map((from) => ({ from, ...job.bandMoves.from[from] })),
    newlyRated: job.bandMoves.newlyRated,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    finishedAt: job.finishedAt ? job.finishedAt.toISOString() : null,
    error: job.error,
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
  @ApiOperation({
    summary: 'Regenerate ratings for one CPF, a list, all, or the expired',
    description:
      'Registers a job cut into partitions that any number of rating workers share, and answers at once with its id; follow progress at GET /v1/ratings/regenerations/{id}. With a new modelVersion this is a model release: the job reports per band how many consumers moved up or down.',
  })
  @ApiBody({ schema: REGENERATION_REQUEST })
  @ApiAcceptedResponse({ type: RatingJobDto, links: JOB_STARTED_LINKS })
  @ApiErrors(400)
  async start(@Body() body: RegenerationRequestDto, @Client() client: AuthenticatedClient): Promise<RatingJobDto> {
    if (body.scope !== 'CPFS' && body.cpfs !== undefined) {
      throw new ValidationError('VALIDATION_FAILED', 'cpfs', 'is only taken with scope CPFS');
    }
    const scope = body.scope === 'CPFS' ? { kind: 'CPFS' as const, cpfs: body.cpfs ?? [] } : { kind: body.scope };
    const metadata = { correlationId: client.requestId, clientId: client.name };
    return toDto(await this.commands.execute(new StartRatingRegenerationCommand(scope, metadata, body.modelVersion)));
  }

  @Post(':id/resume')
  @HttpCode(202)
  @Access('ratings:admin')
  @ApiOperation({
    summary: 'Resume a job',
    description:
      'Sends the partitions that are neither completed nor running out again (failed, stalled, or whose messages were lost); completed partitions are not rated again. A completed job is refused (409 JOB_COMPLETED).',
  })
  @JOB_ID
  @ApiAcceptedResponse({ type: RatingJobDto })
  @ApiErrors(400, 404, 409)
  async resume(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new JobIdInvalid() })) id: string,
    @Client() client: AuthenticatedClient,
  ): Promise<RatingJobDto> {
    return toDto(
      await this.commands.execute(
        new ResumeRatingRegenerationCommand(id, { correlationId: client.requestId, clientId: client.name }),
      ),
    );
  }

  @Get(':id')
  @Access('ratings:admin')
  @ApiOperation({ summary: 'Progress of a regeneration job' })
  @JOB_ID
  @ApiOkResponse({ type: RatingJobDto })
  @ApiErrors(400, 404)
  async get(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new JobIdInvalid() })) id: string,
  ): Promise<RatingJobDto> {
    return toDto(await this.queries.execute(new GetRatingJobQuery(id)));
  }
}

class JobIdInvalid extends ValidationError {
  constructor() {
    super('JOB_ID_INVALID', 'id', 'must be a UUID returned by POST /v1/ratings/regenerations');
  }
}
