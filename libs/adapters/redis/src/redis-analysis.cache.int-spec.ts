import { Cpf } from '@app/shared-kernel';
import { Test } from '@nestjs/testing';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { AnalysisCache } from '@app/credit-application';
import { analysisCacheContract, requireEnv, uniqueCpf } from '@app/testing/contracts';
import { RedisCacheModule } from './redis-cache.module';

async function cacheFor(url: string) {
  const moduleRef = await Test.createTestingModule({
    imports: [RedisCacheModule.forRoot({ mode: 'standalone', url })],
  }).compile();
  await moduleRef.init();
  return { cache: moduleRef.get(AnalysisCache), close: () => moduleRef.close() };
}

async function until(predicate: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Redis analysis cache (raw bytes over ioredis)', () => {
  describe('port contract on the shared Redis', () => {
    let close: () => Promise<void>;
    analysisCacheContract(async () => {
      const made = await cacheFor(requireEnv('REDIS_URL'));
      close = made.close;
      await until(async () => (await made.cache.health()) === 'up', 5_000);
      return made.cache;
    });
    afterAll(async () => close?.());
  });

  /** Its own redis-server on a spare port, so stopping it cannot disturb suites running in parallel. */
  describe('when Redis goes away and comes back', () => {
    const port = 6390 + Math.floor(Math.random() * 100);
    const url = `redis://127.0.0.1:${port}`;
    let server: ChildProcess | undefined;
    let cache: AnalysisCache;
    let close: () => Promise<void>;

    const startRedis = async () => {
      server = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      await until(
        async () =>
          spawnSync('redis-cli', ['-p', String(port), 'ping'])
            .stdout?.toString()
            .trim() === 'PONG',
        5_000,
      );
    };
    const stopRedis = async () => {
      const exited = new Promise((r) => server?.once('exit', r));
      server?.kill('SIGKILL');
      await exited;
    };

    beforeAll(async () => {
      requireEnv('REDIS_URL');
      await startRedis();
      ({ cache, close } = await cacheFor(url));
      await until(async () => (await cache.health()) === 'up', 5_000);
    });
    afterAll(async () => {
      await close?.();
      server?.kill('SIGKILL');
    });

    it('degrades to fast misses while Redis is down, and resumes caching without a restart', async () => {
      const cpf: Cpf = uniqueCpf();
      await cache.set(cpf, '{"v":1}', 60_000);
      expect(await cache.get(cpf)).toBe('{"v":1}');

      await stopRedis();
      await until(async () => (await cache.health()) === 'degraded', 5_000);
      const started = Date.now();
      expect(await cache.get(cpf)).toBeNull();
      await cache.set(cpf, '{"v":2}', 60_000);
      await cache.invalidate([cpf]);
      expect(Date.now() - started).toBeLessThan(1_000);

      await startRedis();
      await until(async () => (await cache.health()) === 'up', 10_000);
      await cache.set(cpf, '{"v":3}', 60_000);
      expect(await cache.get(cpf)).toBe('{"v":3}');
    }, 30_000);
  });
});
