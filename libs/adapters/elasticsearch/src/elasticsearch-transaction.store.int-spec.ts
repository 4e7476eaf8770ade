import { Cpf, DAY_MS, Money } from '@app/shared-kernel';
import { errors } from '@elastic/elasticsearch';
import { ElasticsearchService } from '@nestjs/elasticsearch';
import { Test } from '@nestjs/testing';
import { requireEnv, transactionStoreContract, uniqueCpf } from '@app/testing/contracts';
import { TransactionStore } from '@app/credit-application';
import { TransactionEvent } from '@app/credit-domain';
import { InMemoryTransactionStore } from '@app/adapters/embedded';
import { ElasticsearchTransactionStore } from './elasticsearch-transaction.store';
import { ElasticsearchTransactionsModule } from './elasticsearch-transactions.module';
import { TRANSACTION_MAPPINGS, TransactionElasticsearchMapper as Mapper } from './transaction.elasticsearch-mapper';

// wait_for refreshes and 1,000-event bulks take longer than jest's default 5 s on a cold node.
jest.setTimeout(60_000);

const NOW = new Date('2026-11-25T12:00:00Z');

function movements(cpf: Cpf, prefix: string, n: number): TransactionEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'FINANCIAL_MOVEMENT' as const,
    eventId: `${prefix}-${String(i).padStart(5, '0')}`,
    cpf,
    occurredAt: new Date(NOW.getTime() - (i % 200) * DAY_MS - i),
    source: 'api:Store Test',
    kind: i % 3 === 0 ? ('SALARY' as const) : ('BILL_PAYMENT' as const),
    amount: Money.ofCents(i % 3 === 0 ? 10_000 + i : -(500 + i)),
  }));
}

function errorType(error: unknown): string | undefined {
  return error instanceof errors.ResponseError ? (error.body as { error?: { type?: string } })?.error?.type : undefined;
}

describe('ElasticsearchTransactionStore (real Elasticsearch)', () => {
  // Read while collecting the suite so a missing server fails it instead of skipping it.
  const url = requireEnv('ELASTICSEARCH_URL');
  const index = `credit-transactions-test-${Date.now()}-${process.pid}`;
  const es = new ElasticsearchService({ node: url, requestTimeout: 30_000 });
  let store: ElasticsearchTransactionStore;

  const countDocs = async (cpf?: Cpf) =>
    (await es.count({ index, ...(cpf ? { query: { term: { cpf: cpf.value } } } : {}) })).count;
  const countDocsIn = async (name: string, cpf: Cpf) =>
    (await es.count({ index: name, query: { term: { cpf: cpf.value } } })).count;

  beforeAll(async () => {
    store = new ElasticsearchTransactionStore(es, { index, refresh: 'wait_for' });
    await store.ensureIndex();
  });

  afterAll(async () => {
    await es.indices.delete({ index, ignore_unavailable: true });
    await es.indices.deleteIndexTemplate({ name: store.templateName }).catch(() => undefined);
    await es.close();
  });

  describe('replicas and readiness', () => {
    const replicasOf = async (name: string) =>
      (await es.indices.getSettings({ index: name }))[name]!.settings!.index!.number_of_replicas;

    it('places a replica only where there is another node for it, says so in the template, and is then green: up', async () => {
      const { number_of_data_nodes: nodes } = await es.cluster.health();
      const expected = nodes > 1 ? '1' : '0';
      expect(await replicasOf(index)).toBe(expected);
      const {
        index_templates: [template],
      } = await es.indices.getIndexTemplate({ name: store.templateName });
      expect(template!.index_template.template!.settings).toMatchObject({ index: { number_of_replicas: expected } });
      await es.cluster.health({ index, wait_for_status: 'green', timeout: '30s' });
      expect(await store.health()).toBe('up');
    });

    it('reports an index whose replica cannot be placed as degraded (yellow), and converges an existing index on the setting', async () => {
      const name = `${index}-replicated`;
      // More replicas than the cluster has other nodes: one copy at least stays unassigned.
      const { number_of_data_nodes: nodes } = await es.cluster.health();
      const replicated = new ElasticsearchTransactionStore(es, { index: name, refresh: false, replicas: nodes });
      try {
        await replicated.ensureIndex();
        expect(await replicasOf(name)).toBe(String(nodes));
        expect(await replicated.health()).toBe('degraded');
        // Started again with the setting changed: an existing index takes the new count in place.
        await new ElasticsearchTransactionStore(es, { index: name, refresh: false, replicas: 0 }).ensureIndex();
        expect(await replicasOf(name)).toBe('0');
        await es.cluster.health({ index: name, wait_for_status: 'green', timeout: '10s' });
        expect(await replicated.health()).toBe('up');
      } finally {
        await es.indices.delete({ index: name, ignore_unavailable: true });
        await es.indices.deleteIndexTemplate({ name: replicated.templateName }).catch(() => undefined);
      }
    });

    it('reports the store down when Elasticsearch does not answer', async () => {
      const unreachable = new ElasticsearchTransactionStore(
        new ElasticsearchService({ node: 'http://127.0.0.1:1', requestTimeout: 1_000 }),
        { index, refresh: false },
      );
      expect(await unreachable.health()).toBe('down');
    });
  });

  describe('honours the TransactionStore contract (refresh wait_for)', () => transactionStoreContract(() => store));

  describe('honours the TransactionStore contract (refresh false, explicit refresh before reads)', () =>
    transactionStoreContract(
      () => new ElasticsearchTransactionStore(es, { index, refresh: false }),
      async () => {
        await es.indices.refresh({ index });
      },
    ));

  it('creates the index from a template with the explicit, strict mapping and single-node settings', async () => {
    const mapping = (await es.indices.getMapping({ index }))[index]!.mappings;
    expect(mapping.dynamic).toBe('strict');
    expect(mapping.properties).toEqual(TRANSACTION_MAPPINGS.properties);
    const types = Object.fromEntries(
      Object.entries(mapping.properties ?? {}).map(([k, v]) => [k, (v as { type: string }).type]),
    );
    expect(types).toEqual({
      eventId: 'keyword',
      cpf: 'keyword',
      type: 'keyword',
      occurredAt: 'date',
      source: 'keyword',
      inquirer: 'keyword',
      purpose: 'keyword',
      kind: 'keyword',
      amountCents: 'long',
      merchant: 'keyword',
      mcc: 'keyword',
      installments: 'short',
      approved: 'boolean',
      cardLast4: 'keyword',
      demo: 'boolean',
    });
    const settings = (await es.indices.getSettings({ index }))[index]!.settings!.index!;
    expect(settings).toMatchObject({ number_of_shards: '1', number_of_replicas: '0' });
    const { index_templates } = await es.indices.getIndexTemplate({ name: store.templateName });
    expect(index_templates[0]!.index_template.index_patterns).toEqual([index]);
  });

  it('rejects a document with a field the mapping does not declare', async () => {
    const cpf = uniqueCpf();
    const attempt = es.index({
      index,
      id: `strict-${cpf.value}`,
      refresh: 'wait_for',
      document: {
        eventId: `strict-${cpf.value}`,
        cpf: cpf.value,
        type: 'BUREAU_INQUIRY',
        occurredAt: NOW.toISOString(),
        inquirer: 'X',
        purpose: 'Y',
        riskScore: 7,
      },
    });
    const error = await attempt.then(
      () => null,
      (e: unknown) => e,
    );
    expect(errorType(error)).toBe('strict_dynamic_mapping_exception');
    expect(await countDocs(cpf)).toBe(0);
  });

  it('stores 1,000 events once: sending them again stores nothing and the index still holds exactly 1,000', async () => {
    const cpf = uniqueCpf();
    const events = movements(cpf, `bulk-${cpf.value}`, 1_000);
    expect(await store.append(events)).toMatchObject({ stored: 1_000, duplicates: 0 });
    expect(await store.append(events)).toMatchObject({ stored: 0, duplicates: 1_000 });
    expect(await countDocs(cpf)).toBe(1_000);
  });

  it('chunks large inputs and still counts duplicates exactly, across and within chunks', async () => {
    const small = new ElasticsearchTransactionStore(es, { index, refresh: 'wait_for', chunkSize: 100 });
    const cpf = uniqueCpf();
    const events = movements(cpf, `chunk-${cpf.value}`, 250);
    expect(await small.append(events.slice(0, 120))).toMatchObject({ stored: 120, duplicates: 0 });
    expect(await small.append([...events, ...events.slice(200, 210)])).toMatchObject({ stored: 130, duplicates: 130 });
    expect(await countDocs(cpf)).toBe(250);
  });

  it('throws on an item error other than a duplicate, naming the first one, instead of dropping the event', async () => {
    const cpf = uniqueCpf();
    const good = movements(cpf, `bad-${cpf.value}`, 2);
    // installments is a `short`: a value out of its range is a mapping error, a stand-in for any non-duplicate item
    // failure.
    const bad: TransactionEvent = {
      type: 'CARD_PURCHASE',
      eventId: `bad-${cpf.value}-card`,
      cpf,
      occurredAt: NOW,
      source: 'api:Store Test',
      merchant: 'M',
      mcc: '5411',
      amount: Money.ofCents(100),
      installments: 100_000,
      approved: true,
      cardLast4: '4242',
    };
    await expect(store.append([good[0]!, bad, good[1]!])).rejects.toThrow(
      new RegExp(
        `refused 1 of 3 events.*bad-${cpf.value}-card \\(400 (mapper_parsing_exception|document_parsing_exception)`,
      ),
    );
    // The valid ones in the same bulk were stored, so resending the batch after a fix only adds the fixed event.
    expect(await countDocs(cpf)).toBe(2);
  });

  it(
    'keeps documents written before sources were kept readable, and treats a re-sent copy of one as a' + ' duplicate',
    async () => {
      const legacyIndex = `${index}-legacy`;
      const cpf = uniqueCpf();
      const [first, second] = movements(cpf, `legacy-${cpf.value}`, 2);
      const legacy = new ElasticsearchTransactionStore(es, { index: legacyIndex, refresh: 'wait_for' });
      try {
        await legacy.ensureIndex();
        // What the previous version wrote: `_id` is the bare event id and there is no source.
        const { source: _ignored, ...old } = Mapper.toDocument(first!);
        await es.index({ index: legacyIndex, id: first!.eventId, document: old, refresh: true });
        const store = new ElasticsearchTransactionStore(es, { index: legacyIndex, refresh: 'wait_for' });
        await store.ensureIndex();
        expect((await store.list(cpf, { from: new Date(0), to: NOW, limit: 10 })).events).toEqual([
          { ...first, source: null },
        ]);
        expect(await store.findStored([first!])).toEqual([true]);
        expect(await store.append([first!])).toMatchObject({ stored: 0, duplicates: 1 });
        // Another source's different event under the same id is another event.
        const another = { ...second!, eventId: first!.eventId, source: 'amqp:another-partner' };
        expect(await store.findStored([another])).toEqual([false]);
        expect(await store.append([another])).toMatchObject({ stored: 1, duplicates: 0 });
        expect(await countDocsIn(legacyIndex, cpf)).toBe(2);
      } finally {
        await es.indices.delete({ index: legacyIndex, ignore_unavailable: true });
        await es.indices.deleteIndexTemplate({ name: legacy.templateName }).catch(() => undefined);
      }
    },
  );

  it('skips the look-up of old documents on an index that never held any', async () => {
    const fresh = `${index}-fresh`;
    const store = new ElasticsearchTransactionStore(es, { index: fresh, refresh: 'wait_for' });
    const mget = jest.spyOn(es, 'mget');
    try {
      await store.ensureIndex();
      const cpf = uniqueCpf();
      await store.append(movements(cpf, `fresh-${cpf.value}`, 3));
      expect(mget).not.toHaveBeenCalled();
    } finally {
      mget.mockRestore();
      await es.indices.delete({ index: fresh, ignore_unavailable: true });
      await es.indices.deleteIndexTemplate({ name: store.templateName }).catch(() => undefined);
    }
  });

  it('does nothing for an empty batch', async () => {
    expect(await store.append([])).toMatchObject({ stored: 0, duplicates: 0, outcomes: [] });
  });

  it('ensureIndex is idempotent: calling it again (as every restart does) keeps the index, its documents and its mapping', async () => {
    const cpf = uniqueCpf();
    await store.append(movements(cpf, `idem-${cpf.value}`, 3));
    await store.ensureIndex();
    await Promise.all([
      store.ensureIndex(),
      new ElasticsearchTransactionStore(es, { index, refresh: false }).ensureIndex(),
    ]);
    expect(await countDocs(cpf)).toBe(3);
    expect((await es.indices.getMapping({ index }))[index]!.mappings.dynamic).toBe('strict');
  });

  it('gives the same summary, pages and inquiries as the embedded store for the same trail', async () => {
    const cpf = uniqueCpf();
    const p = `same-${cpf.value}`;
    const events: TransactionEvent[] = [
      ...movements(cpf, `${p}-m`, 60),
      ...Array.from({ length: 15 }, (_, i): TransactionEvent => ({
        type: 'BUREAU_INQUIRY',
        eventId: `${p}-i${i}`,
        cpf,
        occurredAt: new Date(NOW.getTime() - i * 20 * DAY_MS),
        source: 'api:Store Test',
        inquirer: `Banco ${i}`,
        purpose: 'CREDIT_GRANTING',
      })),
      ...Array.from({ length: 15 }, (_, i): TransactionEvent => ({
        type: 'CARD_PURCHASE',
        eventId: `${p}-c${i}`,
        cpf,
        occurredAt: new Date(NOW.getTime() - i * 9 * DAY_MS),
        source: 'api:Store Test',
        merchant: `Loja ${i}`,
        mcc: '5411',
        amount: Money.ofCents(1_000 + i),
        installments: 1 + (i % 12),
        approved: i % 4 !== 0,
        cardLast4: '4242',
      })),
      // Same instant as another event: the event id must break the tie the same way on both.
      {
        type: 'BUREAU_INQUIRY',
        eventId: `${p}-i0-twin`,
        cpf,
        occurredAt: NOW,
        source: 'api:Store Test',
        inquirer: 'Banco Gêmeo',
        purpose: 'CREDIT_GRANTING',
      },
    ];
    const memory = new InMemoryTransactionStore();
    await memory.append(events);
    await store.append(events);
    for (const now of [NOW, new Date(NOW.getTime() - 45 * DAY_MS)]) {
      expect(await store.summarize(cpf, now)).toEqual(await memory.summarize(cpf, now));
    }
    const pages = async (s: TransactionStore, types?: TransactionEvent['type'][]) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await s.list(cpf, {
          from: new Date(NOW.getTime() - 120 * DAY_MS),
          to: NOW,
          limit: 7,
          cursor,
          types,
        });
        ids.push(...page.events.map((e) => e.eventId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return ids;
    };
    expect(await pages(store)).toEqual(await pages(memory));
    expect(await pages(store, ['CARD_PURCHASE', 'BUREAU_INQUIRY'])).toEqual(
      await pages(memory, ['CARD_PURCHASE', 'BUREAU_INQUIRY']),
    );
    expect(await pages(store, [])).toEqual([]);
    const since = new Date(NOW.getTime() - 100 * DAY_MS);
    expect(await store.inquiriesSince(cpf, since, 4)).toEqual(await memory.inquiriesSince(cpf, since, 4));
  });

  it('refuses a cursor it did not issue', async () => {
    await expect(
      store.list(uniqueCpf(), { from: new Date(0), to: NOW, limit: 5, cursor: 'not-a-cursor' }),
    ).rejects.toMatchObject({ code: 'CURSOR_INVALID' });
    const forged = Buffer.from(JSON.stringify([NOW.getTime() + 0.5, 'x'])).toString('base64url');
    await expect(
      store.list(uniqueCpf(), { from: new Date(0), to: NOW, limit: 5, cursor: forged }),
    ).rejects.toMatchObject({ code: 'CURSOR_INVALID' });
  });

  it('reports health from the cluster: up here, down when the node cannot be reached', async () => {
    expect(await store.health()).toBe('up');
    const nowhere = new ElasticsearchService({ node: 'http://127.0.0.1:1', requestTimeout: 1_000, maxRetries: 0 });
    expect(await new ElasticsearchTransactionStore(nowhere, { index, refresh: false }).health()).toBe('down');
    await nowhere.close();
  });

  it('measures a 1,000-event bulk append with refresh wait_for and false', async () => {
    const timings: Record<string, number> = {};
    for (const refresh of ['wait_for', false] as const) {
      const s = new ElasticsearchTransactionStore(es, { index, refresh });
      const samples: number[] = [];
      for (let run = 0; run < 5; run++) {
        const cpf = uniqueCpf();
        const events = movements(cpf, `timing-${String(refresh)}-${cpf.value}`, 1_000);
        const started = process.hrtime.bigint();
        expect(await s.append(events)).toMatchObject({ stored: 1_000, duplicates: 0 });
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      samples.sort((a, b) => a - b);
      timings[String(refresh)] = samples[2]!;
      process.stdout.write(
        `1,000-event append, refresh=${String(refresh)}: median ${samples[2]!.toFixed(1)} ms (runs: ${samples.map((x) => x.toFixed(1)).join(', ')})\n`,
      );
    }
    expect(Object.keys(timings)).toHaveLength(2);
  });

  it('wires up through ElasticsearchTransactionsModule: one store behind the port and the class, index ensured', async () => {
    const moduleIndex = `${index}-module`;
    const moduleRef = await Test.createTestingModule({
      imports: [ElasticsearchTransactionsModule.forRoot(url, { index: moduleIndex })],
    }).compile();
    try {
      const port = moduleRef.get(TransactionStore);
      expect(port).toBeInstanceOf(ElasticsearchTransactionStore);
      expect(moduleRef.get(ElasticsearchTransactionStore)).toBe(port);
      expect(await es.indices.exists({ index: moduleIndex })).toBe(true);
      const cpf = uniqueCpf();
      expect(await port.append(movements(cpf, `module-${cpf.value}`, 2))).toMatchObject({ stored: 2, duplicates: 0 });
      expect((await port.list(cpf, { from: new Date(0), to: NOW, limit: 10 })).events).toHaveLength(2);
    } finally {
      await moduleRef.close();
      await es.indices.delete({ index: moduleIndex, ignore_unavailable: true });
      await es.indices.deleteIndexTemplate({ name: `${moduleIndex}-template` }).catch(() => undefined);
    }
  });
});
