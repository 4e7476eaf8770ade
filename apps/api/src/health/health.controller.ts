import { ProbeResult, ReadinessProbes } from '@app/credit-application';
import { Controller, Get } from '@nestjs/common';
import { Public } from '../auth/access.decorators';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';

const healthSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'error'] },
    details: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {
          status: { type: 'string', enum: ['up', 'down'] },
          adapter: { type: 'string' },
          state: { type: 'string', enum: ['up', 'degraded', 'down'] },
        },
      },
    },
  },
};

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly probes: ReadinessProbes,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers; checks no dependency' })
  @ApiOkResponse({ schema: healthSchema })
  @HealthCheck({ swaggerDocumentation: false })
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: every configured store answers',
    description:
      'A cache that is down reports state "degraded" but keeps the service ready: queries answer from the stores.',
  })
  @ApiOkResponse({ schema: healthSchema })
  @ApiServiceUnavailableResponse({ schema: healthSchema })
  @HealthCheck({ swaggerDocumentation: false })
  async ready() {
    const results = await this.probes.check();
    return this.health.check(results.map((r) => async () => this.indicate(r)));
  }

  private indicate(r: ProbeResult): HealthIndicatorResult {
    const session = this.indicators.check(r.name);
    const data = { adapter: r.adapter, state: r.state };
    return r.state === 'down' ? session.down(data) : session.up(data);
  }
}
