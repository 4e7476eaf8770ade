import { GetRatingJobQuery, MAX_CPFS_PER_JOB, RatingJob, ResumeRatingRegenerationCommand, StartRatingRegenerationCommand } from '@app/credit';
import { ValidationError } from '@app/shared-kernel';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, ValidateIf } from 'class-validator';
import { ApiErrors } from '../http/api-errors.decorator';
import { Access } from '../auth/access.decorators';
import { AuthenticatedClient } from '../auth/access.guard';
import { Client } from '../http/client';

export class RegenerationRequestDto {
  @ApiProperty({ enum: ['ALL', 'CPFS'], description: 'ALL re-rates every CPF with rating features; CPFS the listed ones' }) @IsIn(['ALL', 'CPFS']) scope: 'ALL' | 'CPFS';
  @ApiPropertyOptional({ type: [String], example: ['12345678909'], description: `Required when scope is CPFS; 1 to ${MAX_CPFS_PER_JOB}` })
  @ValidateIf((o: RegenerationRequestDto) => o.scope === 'CPFS')
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_CPFS_PER_JOB) @IsString({ each: true })
  cpfs?: string[];
}

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
  @ApiAcceptedResponse({ type: RatingJobDto })
  @ApiErrors(400)
  async start(@Body() body: RegenerationRequestDto, @Client() client: AuthenticatedClient): Promise<RatingJobDto> {
    const scope = body.scope === 'ALL' ? { kind: 'ALL' as const } : { kind: 'CPFS' as const, cpfs: body.cpfs ?? [] };
    return toDto(await this.commands.execute(new StartRatingRegenerationCommand(scope, { correlationId: client.requestId, clientId: client.name })));
  }

  @Post(':id/resume')
  @HttpCode(202)
  @Access('ratings:admin')
  @ApiOperation({ summary: 'Resume a failed or abandoned job', description: 'The worker continues after the last CPF the job rated; nothing is rated twice. A job that progressed in the last minute is refused (JOB_ACTIVE).' })
  @ApiAcceptedResponse({ type: RatingJobDto })
  @ApiErrors(400, 404)
  async resume(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => new JobIdInvalid() })) id: string, @Client() client: AuthenticatedClient): Promise<RatingJobDto> {
    return toDto(await this.commands.execute(new ResumeRatingRegenerationCommand(id, { correlationId: client.requestId, clientId: client.name })));
  }

  @Get(':id')
  @Access('ratings:admin')
  @ApiOperation({ summary: 'Progress of a regeneration job' })
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
