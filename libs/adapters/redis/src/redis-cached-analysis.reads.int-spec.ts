import { Cpf } from '@app/shared-kernel';
import Redis from 'ioredis';
import { CachedReadRequest, AuditEntryInput, SealedAuditEntry } from '@app/credit-application';
import { RecordingAuditLog } from '@app/testing';
import { journalEntries, journalLength, requireEnv, uniqueCpf } from '@app/testing/contracts';
import { redisOptions } from './redis-client';
import { INVALIDATION_COUNT_TTL_MS, RedisAnalysisCache } from './redis-analysis.cache';
import { RedisAuditJournalRelay } from './redis-audit-journal';
import { RedisCachedAnalysisReads } from './redis-cached-analysis.reads';
import { RedisJournalledAuditLog } from './redis-journalled-audit-log';
import { REPLICA_ACK_TIMEOUT_MS } from './redis-replica-ack';
import { journalStreamOf, redisJournals, redisKeys } from './redis-keys';

// On a loaded two-core machine a relay pass can take seconds; the conditions below are waited for, not timed.
jest.setTimeout(30_000);

const until = async (predicate: () => Promise<boolean> | boolean, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** An audit log that refuses every append while `down` is set, as PostgreSQL being away looks to the relay. */
class FlakyAuditLog extends RecordingAuditLog {
  down = false;
  override async recordSealed(entry: SealedAuditEntry): Promise<void> {
    if (this.down) throw new Error('database unavailable');
    return super.recordSealed(entry);
  }
}

describe('cached analysis reads and the audit journal on real Redis', () => {
  const namespace = `it${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const auditJournal = (ns = namespace) => redisJournals.audit(ns, 'standalone');
  const inquiryJournal = (ns = namespace) => redisJournals.inquiry(ns, 'standalone');
  let redis: Redis;
  let cache: RedisAnalysisCache;
  const audit = new RecordingAuditLog();
  const entry = (requestId: string, over: Partial<AuditEntryInput> = {}): SealedAuditEntry =>
    audit.seal({
      clientId: 'bank',
      scope: 'analysis:read',
      purpose: 'CREDIT_GRANTING',
      cpf: uniqueCpf(),
      action: 'READ',
      resource: 'ANALYSIS',
      outcome: 'SUCCESS',
      requestId,
      ...over,
    });
  /** A read of one CPF by one client, with the audit entry and the bureau inquiry it journals when served. */
  const ask = (clientId: string, requestId: string, cpf: Cpf = uniqueCpf()): CachedReadRequest => ({
    cpf,
    clientId,
    audit: entry(requestId, { cpf }),
    inquiry: {
      type: 'BUREAU_INQUIRY',
      eventId: `inq-${requestId}`,
      cpf,
      occurredAt: new Date(),
      source: 'bureau',
      inquirer: 'bank',
      purpose: 'CREDIT_GRANTING',
    },
  });
  const inquiryIds = async (ns = namespace) =>
    (await journalEntries(redis, inquiryJournal(ns))).map(
      ([, f]) => (JSON.parse(f[1]) as { event: { eventId: string } }).event.eventId,
    );

  beforeAll(async () => {
    // Production's command timeout is proven in test/reliability/redis-outage; here a slow answer on a loaded
    // machine must not read as Redis being away.
    redis = new Redis({ ...redisOptions(requireEnv('REDIS_URL')), commandTimeout: 5_000 });
    await until(() => redis.status === 'ready');
    cache = new RedisAnalysisCache(redis, namespace);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('serves a cached analysis as stored and journals its audit entry and bureau inquiry in the same step', async () => {
    const reads = new RedisCachedAnalysisReads(redis, 100, namespace);
    const cpf = uniqueCpf();
    const json = '{"cpf":"' + cpf.value + '","nome":"Zé Ninguém"}';
    await cache.set(cpf, json, 60_000);
    // On the CPF's shard: the slot of its analysis, so that one script reaches all three on a cluster.
    const auditStream = journalStreamOf(auditJournal(), cpf).key;
    const before = await redis.xlen(auditStream);

    const result = await reads.read(ask('key-hit', 'r-hit', cpf));

    expect(result.kind).toBe('hit');
    if (result.kind !== 'hit') return;
    expect(result.body.toString('utf8')).toBe(json);
    expect(result.rate).toMatchObject({ allowed: true, limit: 100, remaining: 99 });
    const journalled = await redis.xrange(auditStream, '-', '+');
    expect(journalled.length).toBe(before + 1);
    const [, fields] = journalled[journalled.length - 1];
    const stored = JSON.parse(fields[1]) as SealedAuditEntry;
    expect(stored).toMatchObject({ requestId: 'r-hit', cpfMasked: cpf.masked, outcome: 'SUCCESS' });
    // The journal holds the sealed entry only: never the CPF in clear.
    expect(fields.join(' ')).not.toContain(cpf.value);
    // The inquiry is C data (the CPF's event trail), journalled in its wire shape for the relay to store.
    const inquiries = await redis.xrange(journalStreamOf(inquiryJournal(), cpf).key, '-', '+');
    const inquiry = JSON.parse(inquiries[inquiries.length - 1][1][1]) as Record<string, unknown>;
    expect(inquiry).toMatchObject({
      source: 'bureau',
      event: {
        eventId: 'inq-r-hit',
        cpf: cpf.value,
        type: 'BUREAU_INQUIRY',
        inquirer: 'bank',
        purpose: 'CREDIT_GRANTING',
      },
    });
  });

  it('does not serve a hit whose journalled entries no replica acknowledged, so the full path records them again', async () => {
    // This server has no replica: WAIT answers 0 once its timeout has passed.
    const reads = new RedisCachedAnalysisReads(redis, 100, namespace, 1);
    const cpf = uniqueCpf();
    await cache.set(cpf, '{}', 60_000);
    const started = Date.now();
    const result = await reads.read(ask('key-unreplicated', 'r-unreplicated', cpf));
    expect(result).toEqual({
      kind: 'miss',
      rate: expect.objectContaining({ allowed: true, remaining: 99 }),
      ticket: null,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(REPLICA_ACK_TIMEOUT_MS - 5);
  });

  it('counts a miss without journalling anything', async () => {
    const reads = new RedisCachedAnalysisReads(redis, 100, namespace);
    const before = await journalLength(redis, auditJournal());
    const first = await reads.read(ask('key-miss', 'r-miss'));
    const second = await reads.read(ask('key-miss', 'r-miss-2'));
    expect(first).toEqual({
      kind: 'miss',
      rate: expect.objectContaining({ allowed: true, remaining: 99 }),
      ticket: '0',
    });
    expect(second).toEqual({
      kind: 'miss',
      rate: expect.objectContaining({ allowed: true, remaining: 98 }),
      ticket: '0',
    });
    expect(await journalLength(redis, auditJournal())).toBe(before);
    expect(await inquiryIds()).not.toContain('inq-r-miss');
    expect(await inquiryIds()).not.toContain('inq-r-miss-2');
  });

  it('hands out on a miss the fill ticket of the cache, so a fill after an invalidation is dropped', async () => {
    const reads = new RedisCachedAnalysisReads(redis, 100, namespace);
    const cpf = uniqueCpf();
    const missed = await reads.read(ask('key-ticket', 'r-ticket', cpf));
    expect(missed).toMatchObject({ kind: 'miss', ticket: '0' });
    const ticket = missed.kind === 'miss' ? missed.ticket : null;
    await cache.invalidate([cpf]);
    const countTtl = await redis.pttl(redisKeys.analysisInvalidations(namespace, cpf));
    expect(countTtl).toBeGreaterThan(INVALIDATION_COUNT_TTL_MS - 60_000);
    expect(countTtl).toBeLessThanOrEqual(INVALIDATION_COUNT_TTL_MS);
    await cache.fill(cpf, '{"stale":true}', 60_000, ticket);
    expect(await cache.get(cpf)).toBeNull();
    const again = await reads.read(ask('key-ticket', 'r-ticket-2', cpf));
    expect(again).toMatchObject({ kind: 'miss', ticket: '1' });
    await cache.fill(cpf, '{"fresh":true}', 60_000, again.kind === 'miss' ? again.ticket : null);
    expect(await reads.read(ask('key-ticket', 'r-ticket-3', cpf))).toMatchObject({
      kind: 'hit',
      body: Buffer.from('{"fresh":true}'),
    });
  });

  it('refuses to serve over the limit even when the analysis is cached, and journals nothing', async () => {
    const reads = new RedisCachedAnalysisReads(redis, 2, namespace);
    const cpf = uniqueCpf();
    await cache.set(cpf, '{}', 60_000);
    const kinds = [];
    for (let i = 0; i < 3; i++) kinds.push(await reads.read(ask('key-limit', `r-limit-${i}`, cpf)));
    expect(kinds.map((k) => k.kind)).toEqual(['hit', 'hit', 'miss']);
    expect(kinds[2]).toEqual({
      kind: 'miss',
      rate: expect.objectContaining({ allowed: false, remaining: 0 }),
      ticket: null,
    });
    const ids = (await journalEntries(redis, auditJournal())).map(
      ([, f]) => (JSON.parse(f[1]) as SealedAuditEntry).requestId,
    );
    expect(ids).toEqual(expect.arrayContaining(['r-limit-0', 'r-limit-1']));
    expect(ids).not.toContain('r-limit-2');
    expect(await inquiryIds()).toEqual(expect.arrayContaining(['inq-r-limit-0', 'inq-r-limit-1']));
    expect(await inquiryIds()).not.toContain('inq-r-limit-2');
  });

  it('shares one budget with the rate limiter of the full path', async () => {
    const { RedisRateLimiter } = await import('./redis-rate-limiter');
    const { InMemoryRateLimiter } = await import('@app/adapters/embedded');
    const limiter = new RedisRateLimiter(redis, 10, namespace, new InMemoryRateLimiter(10));
    const reads = new RedisCachedAnalysisReads(redis, 10, namespace);
    await limiter.hit('key-shared');
    const read = await reads.read(ask('key-shared', 'r-shared'));
    const after = await limiter.hit('key-shared');
    expect(read.kind === 'miss' && read.rate.remaining).toBe(8);
    expect(after.remaining).toBe(7);
  });

  it('declines without counting while Redis is unreachable', async () => {
    const offline = new Redis({ ...redisOptions('redis://127.0.0.1:1'), lazyConnect: true, retryStrategy: () => null });
    const reads = new RedisCachedAnalysisReads(offline, 10, namespace);
    expect(await reads.read(ask('k', 'r-offline'))).toEqual({ kind: 'unavailable' });
    offline.disconnect();
  });

  describe('the journalled audit log that requests write to', () => {
    it('journals an entry in one XADD, sealed, and leaves it to the relay', async () => {
      const ns = `${namespace}-jlog`;
      const inner = new RecordingAuditLog();
      const log = new RedisJournalledAuditLog(redis, inner, ns);
      const cpf = uniqueCpf();
      await log.record({
        clientId: 'bank',
        scope: 'consumer:read',
        purpose: 'CREDIT_GRANTING',
        cpf,
        action: 'READ',
        resource: 'CONSUMER',
        outcome: 'SUCCESS',
        requestId: 'j-1',
      });
      expect(inner.sealed).toHaveLength(0);
      const [[, fields]] = await journalEntries(redis, auditJournal(ns));
      expect(JSON.parse(fields[1])).toMatchObject({ requestId: 'j-1', cpfMasked: cpf.masked, resource: 'CONSUMER' });
      expect(fields.join(' ')).not.toContain(cpf.value);
      const relay = new RedisAuditJournalRelay(redis, inner, ns, { consumer: 'j' });
      relay.start();
      await until(() => inner.sealed.length === 1);
      await relay.stop();
      expect(inner.sealed[0]).toMatchObject({ requestId: 'j-1' });
    });

    it('writes straight to the log while Redis is unreachable, so no entry waits on a journal it cannot reach', async () => {
      const offline = new Redis({
        ...redisOptions('redis://127.0.0.1:1'),
        lazyConnect: true,
        retryStrategy: () => null,
      });
      const inner = new RecordingAuditLog();
      const log = new RedisJournalledAuditLog(offline, inner, `${namespace}-offline`);
      await log.record({
        clientId: 'bank',
        scope: 'consumer:write',
        purpose: null,
        cpf: null,
        action: 'WRITE',
        resource: 'CONSUMER',
        outcome: 'SUCCESS',
        requestId: 'direct-1',
      });
      expect(inner.sealed.map((e) => e.requestId)).toEqual(['direct-1']);
      offline.disconnect();
    });
  });

  describe('the relay into the audit log', () => {
    it('appends every journalled entry in order, then empties the journal', async () => {
      const ns = `${namespace}-relay`;
      const log = new RecordingAuditLog();
      const relay = new RedisAuditJournalRelay(redis, log, ns, { consumer: 'r1' });
      const reads = new RedisCachedAnalysisReads(redis, 10_000, ns);
      const cpf = uniqueCpf();
      await new RedisAnalysisCache(redis, ns).set(cpf, '{}', 60);
      for (let i = 0; i < 50; i++) await reads.read(ask('k', `seq-${i}`, cpf));
      relay.start();
      await until(() => log.sealed.length === 50);
      expect(await relay.health()).toBe('up');
      await relay.stop();
      expect(await relay.health()).toBe('degraded');
      expect(log.sealed.map((e) => e.requestId)).toEqual(Array.from({ length: 50 }, (_, i) => `seq-${i}`));
      expect(await journalLength(redis, auditJournal(ns))).toBe(0);
    });

    it('drains the stream of the layout before shards, where a process of the previous version may still write', async () => {
      const ns = `${namespace}-legacy`;
      const legacy = auditJournal(ns).shards.find((s) => s.shard === 'legacy')!;
      expect(legacy).toMatchObject({ key: `${ns}:audit-journal:v1`, deadKey: `${ns}:audit-journal:dead:v1` });
      for (let i = 0; i < 3; i++) await redis.xadd(legacy.key, '*', 'entry', JSON.stringify(entry(`old-${i}`)));
      const log = new RecordingAuditLog();
      const relay = new RedisAuditJournalRelay(redis, log, ns, { consumer: 'upgraded' });
      relay.start();
      await until(() => log.sealed.length === 3);
      await relay.stop();
      expect(log.sealed.map((e) => e.requestId)).toEqual(['old-0', 'old-1', 'old-2']);
      expect(await redis.xlen(legacy.key)).toBe(0);
    });

    it('keeps entries journalled while the audit log is down, and appends them all when it returns', async () => {
      const ns = `${namespace}-down`;
      const log = new FlakyAuditLog();
      log.down = true;
      const relay = new RedisAuditJournalRelay(redis, log, ns, { consumer: 'r2' });
      relay.start();
      // Spread over the shards, as requests' entries are.
      const { shards } = auditJournal(ns);
      for (let i = 0; i < 20; i++)
        await redis.xadd(shards[i % shards.length]!.key, '*', 'entry', JSON.stringify(entry(`down-${i}`)));
      await new Promise((r) => setTimeout(r, 600));
      expect(log.sealed).toHaveLength(0);
      expect(await journalLength(redis, auditJournal(ns))).toBe(20);
      log.down = false;
      await until(() => log.sealed.length === 20, 5_000);
      await relay.stop();
      expect(new Set(log.sealed.map((e) => e.requestId)).size).toBe(20);
      expect(await journalLength(redis, auditJournal(ns))).toBe(0);
    });

    it('takes over the entries a crashed relay had read but not appended', async () => {
      const ns = `${namespace}-claim`;
      const { key } = auditJournal(ns).shards[3]!;
      await redis.xgroup('CREATE', key, 'audit-relay', '0', 'MKSTREAM');
      for (let i = 0; i < 5; i++) await redis.xadd(key, '*', 'entry', JSON.stringify(entry(`orphan-${i}`)));
      // A relay that read them and died before appending: they sit in its pending list.
      await redis.xreadgroup('GROUP', 'audit-relay', 'crashed', 'COUNT', 100, 'STREAMS', key, '>');
      const log = new RecordingAuditLog();
      const relay = new RedisAuditJournalRelay(redis, log, ns, { consumer: 'survivor', claimIdleMs: 200 });
      await new Promise((r) => setTimeout(r, 250));
      relay.start();
      await until(() => log.sealed.length === 5, 5_000);
      await relay.stop();
      expect(log.sealed.map((e) => e.requestId).sort()).toEqual([
        'orphan-0',
        'orphan-1',
        'orphan-2',
        'orphan-3',
        'orphan-4',
      ]);
    });

    it('moves an unreadable entry to the dead-letter stream with its reason and appends the rest', async () => {
      const ns = `${namespace}-dead`;
      const { key, deadKey } = auditJournal(ns).shards[5]!;
      await redis.xadd(key, '*', 'entry', JSON.stringify(entry('good-1')));
      await redis.xadd(key, '*', 'entry', '{"clientId":42}');
      await redis.xadd(key, '*', 'entry', JSON.stringify(entry('good-2')));
      const log = new RecordingAuditLog();
      const relay = new RedisAuditJournalRelay(redis, log, ns, { consumer: 'r3' });
      relay.start();
      await until(() => log.sealed.length === 2);
      await until(async () => (await redis.xlen(deadKey)) === 1);
      // An operator must look at a dead-lettered entry: readiness says so until it is dealt with.
      expect(await relay.health()).toBe('degraded');
      await relay.stop();
      const [[, fields]] = await redis.xrange(deadKey, '-', '+');
      expect(fields).toEqual(
        expect.arrayContaining(['reason', 'clientId: must be a string', 'entry', '{"clientId":42}']),
      );
      expect(log.sealed.map((e) => e.requestId)).toEqual(['good-1', 'good-2']);
    });
  });
});
