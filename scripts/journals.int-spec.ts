import Redis from 'ioredis';
import { journalLength, requireEnv, uniqueCpf } from '@app/testing/contracts';
import { BUREAU_SOURCE, BureauInquiry } from '@app/credit-domain';
import { InMemoryTransactionStore } from '@app/adapters/embedded';
import {
  redisOptions,
  inquiryJournalEntry,
  inquiryJournalSink,
  RedisJournalRelay,
  redisJournals,
} from '@app/adapters/redis';
import { discardDeadEntries, journalStatus, listDeadEntries, parseArgs, requeueDeadEntries } from './journals';

const until = async (predicate: () => Promise<boolean> | boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('journals tool: an operator resolves dead-lettered journal entries (real Redis)', () => {
  const namespace = `journals-it-${Date.now()}-${process.pid}`;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(redisOptions(requireEnv('REDIS_URL')));
    await until(() => redis.status === 'ready');
  });

  afterAll(async () => {
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('shows the backlog, the relays and the dead entries; requeues them once the cause is fixed, and discards what never can be delivered', async () => {
    const cpf = uniqueCpf();
    const store = new InMemoryTransactionStore();
    const refused = new Set(['inq-poison']);
    const sink = inquiryJournalSink(store, namespace, 'standalone');
    // The store refuses one inquiry for itself, as a mapping conflict in Elasticsearch would.
    const relay = new RedisJournalRelay<BureauInquiry>(
      redis,
      {
        ...sink,
        deliver: async (items) => {
          const outcomes = items.map((i) =>
            refused.has(i.eventId) ? new Error(`mapper_parsing_exception on ${i.eventId}`) : null,
          );
          await store.append(items.filter((i) => !refused.has(i.eventId)));
          return outcomes;
        },
      },
      { consumer: 'ops-test', cycleMs: 10 },
    );
    const inquiry = (eventId: string): BureauInquiry => ({
      type: 'BUREAU_INQUIRY',
      eventId,
      cpf,
      occurredAt: new Date(Date.now() - 1_000),
      source: 'bureau',
      inquirer: 'Banco',
      purpose: 'CREDIT_GRANTING',
    });
    // Two shards of the journal, as entries of different CPFs are.
    const [first, second] = redisJournals.inquiry(namespace, 'standalone').shards;
    const key = first!.key;
    await redis.xadd(second!.key, '*', 'entry', inquiryJournalEntry(inquiry('inq-good')));
    await redis.xadd(key, '*', 'entry', inquiryJournalEntry(inquiry('inq-poison')));
    await redis.xadd(key, '*', 'entry', '{"eventId": "inq-truncated"');
    relay.start();
    try {
      await resolve(relay, store, refused, cpf);
    } finally {
      await relay.stop();
    }
  });

  async function resolve(
    relay: RedisJournalRelay<BureauInquiry>,
    store: InMemoryTransactionStore,
    refused: Set<string>,
    cpf: ReturnType<typeof uniqueCpf>,
  ): Promise<void> {
    const journal = redisJournals.inquiry(namespace, 'standalone');
    await until(async () => (await journalLength(redis, journal, true)) === 2);

    const status = await journalStatus(redis, namespace);
    expect(status.find((s) => s.journal === 'inquiry')).toMatchObject({
      backlog: 0,
      pending: 0,
      dead: 2,
      relays: [expect.objectContaining({ name: 'ops-test', pending: 0 })],
    });
    expect(status.find((s) => s.journal === 'audit')).toEqual({
      journal: 'audit',
      backlog: 0,
      pending: 0,
      relays: [],
      stale: [],
      dead: 0,
    });

    const dead = await listDeadEntries(redis, namespace, 'inquiry');
    expect(dead.total).toBe(2);
    // Entries that cannot be read are dead-lettered first, then the ones the store refused.
    expect(dead.entries.map((e) => e.reason)).toEqual([
      expect.stringMatching(/JSON/),
      'refused by event store: mapper_parsing_exception on inq-poison',
    ]);
    expect(dead.entries[1]!.entry).toContain('inq-poison');
    // What an operator sees never shows a CPF in clear.
    expect(dead.entries.map((e) => e.entry).join(' ')).not.toContain(cpf.value);

    // The cause is fixed: both go back to the journal; the relay stores one, the truncated one comes back dead.
    refused.clear();
    expect(await requeueDeadEntries(redis, namespace, 'inquiry')).toEqual({ requeued: 2, left: [] });
    await until(async () => (await store.inquiriesSince(cpf, new Date(0), 10)).length === 2);
    await until(
      async () => (await journalLength(redis, journal, true)) === 1 && (await journalLength(redis, journal)) === 0,
    );
    expect((await store.inquiriesSince(cpf, new Date(0), 10)).map((i) => i.eventId).sort()).toEqual([
      'inq-good',
      'inq-poison',
    ]);
    expect(await relay.health()).toBe('degraded');

    const [truncated] = (await listDeadEntries(redis, namespace, 'inquiry')).entries;
    expect(truncated!.entry).toBe('{"eventId": "inq-truncated"');
    expect(await discardDeadEntries(redis, namespace, 'inquiry', [truncated!.id])).toBe(1);
    expect(await relay.health()).toBe('up');
  }

  it('lists the relay of a stopped process as stopped, then a running relay takes its entries over and removes it', async () => {
    const ns = `${namespace}-stale`;
    const { key, group } = redisJournals.inquiry(ns, 'standalone').shards[9]!;
    const cpf = uniqueCpf();
    const inquiry: BureauInquiry = {
      type: 'BUREAU_INQUIRY',
      eventId: 'inq-orphan',
      cpf,
      occurredAt: new Date(Date.now() - 1_000),
      inquirer: 'Banco',
      purpose: 'CREDIT_GRANTING',
      source: BUREAU_SOURCE,
    };
    await redis.xgroup('CREATE', key, group, '0', 'MKSTREAM');
    await redis.xadd(key, '*', 'entry', inquiryJournalEntry(inquiry));
    // A process read the entry and died before delivering it.
    await redis.xreadgroup('GROUP', group, 'stopped-process', 'COUNT', 10, 'STREAMS', key, '>');
    const staleAfterMs = 300;
    await until(
      async () =>
        (await journalStatus(redis, ns, staleAfterMs)).find((s) => s.journal === 'inquiry')!.stale.length === 1,
    );
    expect((await journalStatus(redis, ns, staleAfterMs)).find((s) => s.journal === 'inquiry')).toMatchObject({
      relays: [],
      stale: [expect.objectContaining({ name: 'stopped-process', pending: 1 })],
      pending: 1,
    });

    const store = new InMemoryTransactionStore();
    const relay = new RedisJournalRelay<BureauInquiry>(redis, inquiryJournalSink(store, ns, 'standalone'), {
      consumer: 'running',
      cycleMs: 10,
      claimIdleMs: 200,
      staleRelayMs: staleAfterMs,
    });
    relay.start();
    try {
      await until(async () => (await store.inquiriesSince(cpf, new Date(0), 10)).length === 1);
      await until(async () =>
        ((await redis.xinfo('CONSUMERS', key, group)) as unknown[][]).every((c) => String(c[1]) !== 'stopped-process'),
      );
      expect((await journalStatus(redis, ns, staleAfterMs)).find((s) => s.journal === 'inquiry')).toMatchObject({
        relays: [expect.objectContaining({ name: 'running', pending: 0 })],
        stale: [],
        pending: 0,
        backlog: 0,
      });
    } finally {
      await relay.stop();
      const keys = await redis.keys(`${ns}:*`);
      if (keys.length) await redis.del(...keys);
    }
  });

  it('leaves in place a dead entry with nothing to requeue', async () => {
    const audit = redisJournals.audit(namespace, 'standalone');
    const id = await redis.xadd(
      audit.shards[2]!.deadKey,
      '*',
      'journalId',
      '1-0',
      'reason',
      'entry: missing',
      'entry',
      '',
    );
    expect(await requeueDeadEntries(redis, namespace, 'audit')).toEqual({ requeued: 0, left: [`2/${id}`] });
    expect(await journalLength(redis, audit, true)).toBe(1);
    expect(await journalLength(redis, audit)).toBe(0);
  });

  it('refuses a command line it cannot act on safely', () => {
    expect(parseArgs(['status'])).toEqual({ command: 'status', ids: [] });
    expect(parseArgs(['requeue', 'audit', '--limit', '5'])).toEqual({
      command: 'requeue',
      journal: 'audit',
      limit: 5,
      ids: [],
    });
    expect(() => parseArgs(['dead'])).toThrow('dead needs the journal: audit or inquiry');
    expect(() => parseArgs(['discard', 'inquiry'])).toThrow('discard needs --ids');
    expect(() => parseArgs(['discard', 'inquiry', '--ids', 'everything'])).toThrow(/--ids must be dead-entry ids/);
    // A dead entry is named by its shard too: the same id can exist in two shards' streams.
    expect(() => parseArgs(['discard', 'inquiry', '--ids', '1764000000000-0'])).toThrow(/such as 3\/1764000000000-0/);
    expect(parseArgs(['discard', 'audit', '--ids', '3/1764000000000-0,legacy/1-1']).ids).toEqual([
      '3/1764000000000-0',
      'legacy/1-1',
    ]);
    expect(() => parseArgs(['purge'])).toThrow('unknown command purge');
  });
});
