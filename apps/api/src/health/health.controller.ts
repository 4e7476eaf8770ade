import { AnalysisCache } from '@app/credit';
import { Controller, Get, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';

export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'degraded', 'down'] }) status: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', enum: ['up', 'degraded', 'down'] }, example: { consumers: 'up', cache: 'up' } })
  checks: Record<string, string>;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cache: AnalysisCache,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: each configured store answers; a cache that is down only degrades' })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({ type: ReadinessDto })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessDto> {
    const consumers = await this.dataSource.query('SELECT 1').then(() => 'up', () => 'down');
    const cache = await this.cache.health();
    const checks = { consumers, cache };
    const status = consumers === 'down' ? 'down' : cache === 'degraded' ? 'degraded' : 'ok';
    if (status === 'down') void reply.status(503);
    return { status, checks };
  }
}
