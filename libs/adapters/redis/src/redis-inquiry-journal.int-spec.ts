import { Cpf } from '@app/shared-kernel';
import { ElasticsearchService } from '@nestjs/elasticsearch';
import Redis from 'ioredis';
import { journalLength, requireEnv, uniqueCpf } from '@app/testing/contracts';
import { BufferedInquiryRecorder, AppendOptions, AppendResult, TransactionStore } from '@app/credit-application';
import { BureauInquiry, TransactionEvent } from '@app/credit-domain';
import { ElasticsearchTransactionStore } from '@app/adapters/elasticsearch';
import { InMemoryTransactionStore } from '@app/adapters/embedded';
import { redisOptions } from './redis-client';
import {
  RedisInquiryJournalRelay,
  RedisJournalledInquiryRecorder,
  inquiryJournalEntry,
  parseJournalledInquiry,
} from './redis-inquiry-journal';
import { journalStreamOf, redisJournals } from './redis-keys';

const journal = (ns: string) => redisJournals.inquiry(ns, 'standalone');

jest.setTimeout(30_000);

const until = async (predicate: () => Promise<boolean> | boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

const inquiry = (cpf: Cpf, eventId: string): BureauInquiry => ({
  type: 'BUREAU_INQUIRY',
  eventId,
  cpf,
  occurredAt: new Date(Date.now() - 1_000),
  source: 'bureau',
  inquirer: 'Banco Exemplo',
  purpose: 'CREDIT_GRANTING',
});

/**
 * A store in front of the real one that can be taken away, or made to refuse one event id for itself, as an
 * Elasticsearch that is down or that rejects one document looks to the relay.
 */
class UnreliableStore extends InMemoryTransactionStore {
  down = false;
  refuse = new Set<string>();
  constructor(private readonly inner: TransactionStore) {
    super();
  }
  override async append(events: TransactionEvent[], options?: AppendOptions): Promise<AppendResult> {
    if (this.down) throw new Error('connect ECONNREFUSED');
    const refused = events.find((e) => this.refuse.has(e.eventId));
    if (refused) throw new Error(`mapper_parsing_exception on ${refused.eventId}`);
    return this.inner.append(events, options);
  }
}

describe('bureau inquiries journalled in Redis and relayed to Elasticsearch (real Redis and Elasticsearch)', () => {
  const redisUrl = requireEnv('REDIS_URL');
  const esUrl = requireEnv('ELASTICSEARCH_URL');
  const namespace = `inqit${Date.now()}${process.pid}`;
  const index = `credit-inquiry-journal-test-${Date.now()}-${process.pid}`;
  const es = new ElasticsearchService({ node: esUrl, requestTimeout: 30_000 });
  let store: ElasticsearchTransactionStore;
  let redis: Redis;

  const stored = async (cpf: Cpf): Promise<string[]> => {
    await es.indices.refresh({ index });
    return (await store.inquiriesSince(cpf, new Date(0), 1_000)).map((i) => i.eventId).sort();
  };

  beforeAll(async () => {
    redis = new Redis(redisOptions(redisUrl));
    await until(() => redis.status === 'ready');
    store = new ElasticsearchTransactionStore(es, { index, refresh: false });
    await store.ensureIndex();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${namespace}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await es.indices.delete({ index, ignore_unavailable: true });
    await es.indices.deleteIndexTemplate({ name: store.templateName }).catch(() => undefined);
    await es.close();
  });

  it('journals what analyses record and stores each inquiry in C once, however often it is delivered', async () => {
    const ns = `${namespace}-once`;
    const cpf = uniqueCpf();
    const recorder = new RedisJournalledInquiryRecorder(redis, new BufferedInquiryRecorder(store), ns);
    for (let i = 0; i < 30; i++) recorder.record(inquiry(cpf, `once-${i}`));
    await recorder.flush();
    // All in the CPF's shard, in order.
    const { key } = journalStreamOf(journal(ns), cpf);
    expect(await redis.xlen(key)).toBe(30);
    expect(await journalLength(redis, journal(ns))).toBe(30);
    // The same inquiry journalled again (an XADD that timed out after landing and was retried).
    await redis.xadd(key, '*', 'entry', (await redis.xrange(key, '-', '+', 'COUNT', 1))[0][1][1]);

    const relay = new RedisInquiryJournalRelay(redis, store, ns, { consumer: 'r1' });
    relay.start();
    await until(() => relay.count === 31);
    expect(await relay.health()).toBe('up');
    await relay.stop();

    expect(await stored(cpf)).toEqual(Array.from({ length: 30 }, (_, i) => `once-${i}`).sort());
    expect(await journalLength(redis, journal(ns))).toBe(0);
  });

  it('keeps inquiries journalled while the store is away and stores them all when it returns', async () => {
    const ns = `${namespace}-down`;
    const cpf = uniqueCpf();
    const unreliable = new UnreliableStore(store);
    unreliable.down = true;
    const recorder = new RedisJournalledInquiryRecorder(redis, new BufferedInquiryRecorder(unreliable), ns);
    for (let i = 0; i < 12; i++) recorder.record(inquiry(cpf, `down-${i}`));
    await recorder.flush();
    const relay = new RedisInquiryJournalRelay(redis, unreliable, ns, { consumer: 'r2' });
    relay.start();
    await new Promise((r) => setTimeout(r, 600));
    expect(await journalLength(redis, journal(ns))).toBe(12);
    expect(await journalLength(redis, journal(ns), true)).toBe(0);

    unreliable.down = false;
    await until(async () => (await journalLength(redis, journal(ns))) === 0);
    await relay.stop();
    expect(await stored(cpf)).toHaveLength(12);
  });

  it('dead-letters, with the reason, an entry that is no inquiry and one the store refuses for itself; the rest are stored', async () => {
    const ns = `${namespace}-dead`;
    const cpf = uniqueCpf();
    const { key, deadKey } = journal(ns).shards[7]!;
    const unreliable = new UnreliableStore(store);
    unreliable.refuse.add('refused-1');
    const entry = (eventId: string) =>
      JSON.stringify({
        eventId,
        cpf: cpf.value,
        type: 'BUREAU_INQUIRY',
        occurredAt: new Date().toISOString(),
        inquirer: 'Banco',
        purpose: 'CREDIT_GRANTING',
      });
    await redis.xadd(key, '*', 'entry', entry('good-1'));
    await redis.xadd(
      key,
      '*',
      'entry',
      JSON.stringify({
        eventId: 'bad-cpf',
        cpf: '123.456.789-00',
        type: 'BUREAU_INQUIRY',
        occurredAt: new Date().toISOString(),
        inquirer: 'Banco',
        purpose: 'X',
      }),
    );
    await redis.xadd(key, '*', 'entry', entry('refused-1'));
    await redis.xadd(key, '*', 'entry', entry('good-2'));

    const relay = new RedisInquiryJournalRelay(redis, unreliable, ns, { consumer: 'r3' });
    relay.start();
    await until(async () => (await redis.xlen(deadKey)) === 2);
    await until(async () => (await redis.xlen(key)) === 0);
    // An operator must look at dead-lettered entries: readiness says so until they are dealt with.
    expect(await relay.health()).toBe('degraded');
    await relay.stop();

    const dead = (await redis.xrange(deadKey, '-', '+')).map(([, f]) =>
      Object.fromEntries([
        [f[0], f[1]],
        [f[2], f[3]],
        [f[4], f[5]],
      ]),
    );
    expect(dead.map((d) => d.reason)).toEqual([
      'inquiry.cpf: check digits do not match',
      'refused by event store: mapper_parsing_exception on refused-1',
    ]);
    expect(JSON.parse(dead[0].entry)).toMatchObject({ eventId: 'bad-cpf' });
    expect(JSON.parse(dead[1].entry)).toMatchObject({ eventId: 'refused-1', cpf: cpf.value });
    expect(await stored(cpf)).toEqual(['good-1', 'good-2']);
  });

  it('writes through its own buffer while Redis is unreachable, so an inquiry is never held up by the journal', async () => {
    const offline = new Redis({ ...redisOptions('redis://127.0.0.1:1'), lazyConnect: true, retryStrategy: () => null });
    const cpf = uniqueCpf();
    const recorder = new RedisJournalledInquiryRecorder(
      offline,
      new BufferedInquiryRecorder(store),
      `${namespace}-offline`,
    );
    recorder.record(inquiry(cpf, 'direct-1'));
    await recorder.flush();
    expect(await stored(cpf)).toEqual(['direct-1']);
    offline.disconnect();
  });

  it('leaves relaying to other processes when told to, and still reports the backlog for readiness', async () => {
    const ns = `${namespace}-elsewhere`;
    const relay = new RedisInquiryJournalRelay(redis, store, ns, { consumer: 'api', autoStart: false });
    relay.onApplicationBootstrap();
    expect(relay.running).toBe(false);
    expect(await relay.health()).toBe('up');
    await redis.xadd(journal(ns).shards[0]!.key, '*', 'entry', 'not json');
    await new Promise((r) => setTimeout(r, 200));
    expect(await journalLength(redis, journal(ns))).toBe(1);
  });

  it('reads back exactly what it journals, and names the field of anything else', () => {
    const original = inquiry(uniqueCpf(), 'round-trip');
    expect(parseJournalledInquiry(inquiryJournalEntry(original))).toEqual(original);
    expect(() => parseJournalledInquiry(undefined)).toThrow('entry: missing');
    const movement = {
      eventId: 'x',
      cpf: '12345678909',
      type: 'FINANCIAL_MOVEMENT',
      kind: 'SALARY',
      amountCents: 100,
      occurredAt: '2026-01-01T00:00:00Z',
    };
    expect(() => parseJournalledInquiry(JSON.stringify(movement))).toThrow(
      'inquiry.type: must be BUREAU_INQUIRY, got FINANCIAL_MOVEMENT',
    );
    expect(() => parseJournalledInquiry(JSON.stringify({ ...movement, type: 'BUREAU_INQUIRY' }))).toThrow(
      /^inquiry\.kind: is not a field/,
    );
    const { kind: _k, amountCents: _a, ...bare } = { ...movement, type: 'BUREAU_INQUIRY' };
    expect(() => parseJournalledInquiry(JSON.stringify(bare))).toThrow(/^inquiry\.inquirer: /);
  });
});
