/**
 * The same-work yardstick for the cached read: bare Fastify doing what a cached read must do.
 * How it works: docs/benchmarks.md. bench/cached-analysis.ts starts it with PORT, REDIS_URL, KEY_PREFIX and API_KEY.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import Redis from 'ioredis';

const PURPOSES = new Set([
  'CREDIT_GRANTING',
  'CREDIT_REVIEW',
  'COLLECTION',
  'FRAUD_PREVENTION',
  'RENTAL_GUARANTEE',
  'DATA_SUBJECT_REQUEST',
  'REGULATORY_AUDIT',
]);
const RATE_LIMIT = 1e9;
const WINDOW_MS = 60_000;

const AUDITED_READ = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if count > tonumber(ARGV[1]) then return {count} end
local analysis = redis.call('GET', KEYS[2])
if not analysis then return {count, false} end
redis.call('XADD', KEYS[3], '*', 'entry', ARGV[3])
redis.call('XADD', KEYS[4], '*', 'entry', ARGV[4])
return {count, analysis}`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The 11 digits of a valid CPF written plain or formatted, or null. */
function cpfDigits(raw: string): string | null {
  const digits = /^\d{11}$/.test(raw) ? raw : /^\d{3}\.\d{3}\.\d{3}-\d{2}$/.test(raw) ? raw.replace(/\D/g, '') : null;
  if (!digits || /^(\d)\1{10}$/.test(digits)) return null;
  for (const n of [9, 10]) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Number(digits[i]) * (n + 1 - i);
    if (((sum * 10) % 11) % 10 !== Number(digits[n])) return null;
  }
  return digits;
}

type AuditedRead = (...args: (string | number)[]) => Promise<[number, Buffer | null]>;

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3402);
  const prefix = process.env.KEY_PREFIX ?? 'bench:raw:';
  const streams = process.env.STREAM_PREFIX ?? 'bench-audited:';
  const keys = new Map([
    [sha256(process.env.API_KEY ?? ''), { id: 'k1', name: 'Yardstick Bank', scopes: ['analysis:read'] }],
  ]);
  const cpfKey = randomBytes(32);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  redis.defineCommand('auditedRead', { numberOfKeys: 4, lua: AUDITED_READ });
  const auditedRead = (redis as unknown as { auditedReadBuffer: AuditedRead }).auditedReadBuffer.bind(redis);

  const app = Fastify({ logger: false });
  app.get<{ Params: { cpf: string } }>('/v1/credit-analyses/:cpf', async (request, reply) => {
    const key = keys.get(sha256(String(request.headers['x-api-key'] ?? '')));
    if (!key?.scopes.includes('analysis:read')) return reply.code(401).send({ code: 'UNAUTHENTICATED' });
    const purpose = String(request.headers['x-purpose'] ?? '');
    if (!PURPOSES.has(purpose)) return reply.code(400).send({ code: 'PURPOSE_INVALID' });
    const cpf = cpfDigits(request.params.cpf);
    if (!cpf) return reply.code(400).send({ code: 'CPF_INVALID' });
    const now = new Date();
    const requestId = randomUUID();
    const audit = JSON.stringify({
      clientId: key.name,
      scope: 'analysis:read',
      purpose,
      action: 'READ',
      resource: 'credit-analysis',
      outcome: 'SUCCESS',
      requestId,
      cpfMasked: `***.${cpf.slice(3, 6)}.${cpf.slice(6, 9)}-**`,
      cpfHash: createHmac('sha256', cpfKey).update(cpf).digest('hex'),
    });
    const inquiry = JSON.stringify({
      eventId: `inq-${requestId}`,
      cpf,
      type: 'BUREAU_INQUIRY',
      occurredAt: now.toISOString(),
      inquirer: key.name,
      purpose,
    });
    const window = Math.floor(now.getTime() / WINDOW_MS);
    const [, json] = await auditedRead(
      `${streams}rate:${key.id}:${window}`,
      prefix + request.params.cpf,
      `${streams}audit`,
      `${streams}inquiry`,
      RATE_LIMIT,
      2 * WINDOW_MS,
      audit,
      inquiry,
    );
    if (!json) return reply.code(404).send({ code: 'NOT_FOUND' });
    return reply.header('x-cache', 'HIT').type('application/json; charset=utf-8').send(json);
  });
  await app.listen({ port, host: '127.0.0.1' });
  console.log(`fastify-redis-audited ready on ${port}`);
  const stop = () =>
    void app
      .close()
      .then(() => redis.quit())
      .finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
