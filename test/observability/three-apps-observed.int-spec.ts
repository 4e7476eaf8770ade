import { EXCHANGES, QUEUES } from '@app/contracts';
import { ApiKeys } from '@app/credit-application';
import { SCOPES } from '@app/credit-domain';
import { brokerUserOf } from '@app/platform';
import { SystemClock } from '@app/shared-kernel';
import amqp, { ChannelModel } from 'amqplib';
import yaml from 'js-yaml';
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { TypeormApiKeyRepository, postgresDataSource } from '@app/adapters/postgres';
import { createVhost, requireEnv, uniqueCpf } from '@app/testing/contracts';
import { metricNamesIn, ruleExpressions } from '../../scripts/ci/observability-refs';
import { RunningApp, ensureBuilt, eventually, serversEnv, startApp } from '../system/app-processes';
import { OtlpReceiver, ReceivedSpan } from './otlp-receiver';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
      .listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      })
      .on('error', reject);
  });

/** The store a client span talks to, under the attribute's old or current semantic-convention name. */
const dbSystem = (span: ReceivedSpan): unknown => span.attributes['db.system'] ?? span.attributes['db.system.name'];

/** The metrics table of docs/operations.md: name and which processes export it. */
function documented(): { name: string; exportedBy: string }[] {
  const doc = readFileSync(join(__dirname, '../../docs/operations.md'), 'utf8');
  return [...doc.matchAll(/^\| `(credit_[a-z0-9_]+)` \| \w+ \| [^|]* \| ([^|]*) \|/gm)].map(([, name, by]) => ({
    name: name!,
    exportedBy: by!.trim(),
  }));
}

/**
 * The three apps as production runs them, observed: traces exported over OTLP (to a receiver in this test) follow a
 * request from the API through RabbitMQ into the workers and their stores, and the project's Prometheus (the optional
 * profile, which the integration run starts) scrapes all three and evaluates every rule of ops/prometheus against their
 * real series.
 */
describe('the three apps, traced and scraped', () => {
  const stamp = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const index = `credit-transactions-observed-${stamp}`;
  const receiver = new OtlpReceiver();
  const apps: RunningApp[] = [];
  const ports = { api: 0, ingestion: 0, rating: 0 };
  const prometheus = requireEnv('PROMETHEUS_URL');
  let targetsFile = '';
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  let env: Record<string, string>;
  let apiKey = '';
  let partner: ChannelModel;
  const cpf = uniqueCpf();
  const base = () => `http://127.0.0.1:${ports.api}`;
  const http = async (method: string, path: string, body?: unknown) => {
    const headers = { 'content-type': 'application/json', 'x-api-key': apiKey, 'x-purpose': 'CREDIT_GRANTING' };
    const res = await fetch(base() + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
  };
  const promQuery = async (query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
    const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await res.json()) as { status: string; error?: string; data: { result: [] } };
    if (body.status !== 'success') throw new Error(`${query}: ${body.error}`);
    return body.data.result;
  };
  const instances = () => [ports.api, ports.ingestion, ports.rating].map((p) => `127.0.0.1:${p}`).join('|');

  beforeAll(async () => {
    const otlp = await receiver.start();
    vhost = await createVhost('observed');
    ports.api = await freePort();
    ports.ingestion = await freePort();
    ports.rating = await freePort();
    env = {
      ...serversEnv(index),
      RABBITMQ_URL: vhost.url,
      DEMO_CONSUMERS: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      // Anchors every two seconds, so the anchoring process's metrics move while the test watches.
      AUDIT_ANCHOR_EVERY_MS: '2000',
    };
    ensureBuilt();
    execSync('npm run -s db:migrate', { env: { ...process.env, ...env }, stdio: 'inherit' });
    const keysDb = await postgresDataSource(env.DATABASE_URL!).initialize();
    apiKey = (await new ApiKeys(new TypeormApiKeyRepository(keysDb), new SystemClock()).create('observed', [...SCOPES]))
      .plaintext;
    await keysDb.destroy();
    apps.push(
      ...(await Promise.all([
        startApp('api', { ...env, PORT: String(ports.api), RUN_JOURNAL_RELAYS: 'false' }, /Swagger UI/),
        startApp('ingestion-worker', { ...env, STATUS_PORT: String(ports.ingestion) }, /ingestion-worker consuming/),
        startApp(
          'rating-worker',
          { ...env, STATUS_PORT: String(ports.rating), RUN_JOURNAL_RELAYS: 'false' },
          /rating-worker consuming/,
        ),
      ])),
    );
    partner = await amqp.connect(vhost.url);
    // Prometheus finds targets in the folder its configuration names (file service discovery): this run's three apps.
    const config = yaml.load(
      ((await (await fetch(`${prometheus}/api/v1/status/config`)).json()) as { data: { yaml: string } }).data.yaml,
    ) as {
      scrape_configs: { file_sd_configs?: { files: string[] }[] }[];
    };
    const glob = config.scrape_configs.flatMap((c) => c.file_sd_configs ?? []).flatMap((f) => f.files)[0];
    if (!glob)
      throw new Error(
        `the Prometheus at ${prometheus} discovers no targets from files; start it with services.sh up prometheus`,
      );
    targetsFile = join(dirname(glob), `it-${stamp}.json`);
    mkdirSync(dirname(targetsFile), { recursive: true });
    writeFileSync(
      targetsFile,
      JSON.stringify([
        { targets: [`127.0.0.1:${ports.api}`], labels: { app: 'api' } },
        { targets: [`127.0.0.1:${ports.ingestion}`], labels: { app: 'ingestion-worker' } },
        { targets: [`127.0.0.1:${ports.rating}`], labels: { app: 'rating-worker' } },
      ]),
    );
  }, 240_000);

  afterAll(async () => {
    if (targetsFile) rmSync(targetsFile, { force: true });
    await partner?.close().catch(() => undefined);
    const codes = await Promise.all(apps.map((a) => a.stop()));
    if (codes.some((c) => c !== 0 && c !== null))
      console.error(apps.map((a) => `--- ${a.name}\n${a.output().slice(-3000)}`).join('\n'));
    await receiver.stop();
    await vhost?.drop();
    await fetch(`${env?.ELASTICSEARCH_URL}/${index}`, { method: 'DELETE' }).catch(() => undefined);
  });

  const address = {
    street: 'Rua XV de Novembro',
    number: '100',
    district: 'Centro',
    city: 'Curitiba',
    state: 'PR',
    postalCode: '80020-310',
  };

  it('follows one trace from a REST batch through RabbitMQ into the ingestion worker, its stores, and the rating worker', async () => {
    expect(
      (await http('PUT', `/v1/consumers/${cpf.value}`, { name: 'Traced Person', address, debts: [] })).status,
    ).toBe(201);
    const eventId = `traced-${randomUUID()}`;
    const posted = await http('POST', '/v1/transactions', {
      events: [
        {
          eventId,
          cpf: cpf.value,
          type: 'FINANCIAL_MOVEMENT',
          occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
          kind: 'SALARY',
          amountCents: 500_000,
        },
      ],
    });
    expect(posted.status).toBe(202);

    // The API's producer span of the ingest command, and its trace.
    const publish = await eventually(
      async () =>
        receiver.spans.find(
          (s) => s.service === 'api' && s.kind === 4 && s.name === `publish ${QUEUES.ingestTransactions}`,
        ),
      20_000,
      "the API's publish span",
    );
    const traceId = publish.traceId;
    const spans = await eventually(
      async () => {
        const of = receiver.ofTrace(traceId);
        const consumed = of.find(
          (s) => s.service === 'ingestion-worker' && s.name === `process ${QUEUES.ingestTransactions}`,
        );
        const stored = consumed && of.some((s) => s.service === 'ingestion-worker' && dbSystem(s) === 'elasticsearch');
        return stored ? of : undefined;
      },
      30_000,
      "the ingestion worker's spans in the same trace",
    );
    // The trace starts at the HTTP request the API served.
    const root = spans.find((s) => !s.parentSpanId)!;
    expect(root).toMatchObject({ service: 'api', kind: 2 });
    const consumer = spans.find(
      (s) => s.service === 'ingestion-worker' && s.name === `process ${QUEUES.ingestTransactions}`,
    )!;
    expect(consumer.parentSpanId).toBe(publish.spanId);
    expect(consumer.kind).toBe(5);
    // Its stores: the events in Elasticsearch, the cached analyses evicted in Redis.
    const workerStores = spans.filter((s) => s.service === 'ingestion-worker').map(dbSystem);
    expect(workerStores).toEqual(expect.arrayContaining(['elasticsearch', 'redis']));
    // The worker announces the batch; the rating worker re-scores it in this trace or in a batch linked to it.
    await eventually(
      async () =>
        receiver.spans.some(
          (s) =>
            s.service === 'rating-worker' &&
            s.name === `process ${QUEUES.rescoreConsumers}` &&
            (s.traceId === traceId || s.links.some((l) => l.traceId === traceId)),
        ),
      30_000,
      "the rating worker's re-score span",
    );
    // No span carries a CPF in the clear.
    const naming = receiver.spans.filter((s) => JSON.stringify(s).includes(cpf.value));
    expect(naming.map((s) => ({ service: s.service, name: s.name, attributes: s.attributes }))).toEqual([]);
  }, 90_000);

  it('writes the trace id into the log lines of the work it traced', async () => {
    const batchId = `partner-${randomUUID()}`;
    const channel = await partner.createConfirmChannel();
    channel.publish(
      EXCHANGES.commands,
      QUEUES.ingestTransactions,
      Buffer.from(
        JSON.stringify({
          batchId,
          events: [
            {
              eventId: `${batchId}-bad`,
              cpf: cpf.value,
              type: 'CARD_PURCHASE',
              occurredAt: new Date().toISOString(),
              merchant: 'Loja',
              mcc: '12',
              amountCents: 100,
              installments: 1,
              approved: true,
              cardLast4: '1234',
            },
          ],
        }),
      ),
      { persistent: true, contentType: 'application/json', correlationId: batchId, userId: brokerUserOf(vhost.url) },
    );
    await channel.waitForConfirms();
    const worker = apps.find((a) => a.name === 'ingestion-worker')!;
    const line = await eventually(
      async () =>
        worker
          .output()
          .split('\n')
          .find((l) => l.includes(`batch ${batchId}`)),
      20_000,
      "the worker's warning",
    );
    const logged = JSON.parse(line) as { traceId?: string; spanId?: string };
    expect(logged.traceId).toMatch(/^[0-9a-f]{32}$/);
    await eventually(
      async () =>
        receiver.spans.some(
          (s) => s.service === 'ingestion-worker' && s.traceId === logged.traceId && s.spanId === logged.spanId,
        ),
      10_000,
      'the span the line names',
    );
    await channel.close();
  }, 40_000);

  it("serves /metrics on each worker's status port with the documented metrics, the anchoring one with the audit anchor's", async () => {
    const scrape = async (port: number) => await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const names = (text: string) => new Set([...text.matchAll(/^# TYPE (credit_\S+) /gm)].map((m) => m[1]!));
    const ingestion = names(await scrape(ports.ingestion));
    const rating = names(await scrape(ports.rating));
    const docs = documented();
    for (const m of docs.filter((d) => d.exportedBy === 'every app')) {
      expect(ingestion).toContain(m.name);
      expect(rating).toContain(m.name);
    }
    // The ingestion worker relays the journals with PostgreSQL, so it anchors the audit chain; the rating worker does
    // not.
    for (const m of docs.filter((d) => d.exportedBy === 'anchoring process')) {
      expect(ingestion).toContain(m.name);
      expect(rating).not.toContain(m.name);
    }
    expect([...ingestion, ...rating].every((n) => docs.some((d) => d.name === n))).toBe(true);
  });

  it("is scraped by Prometheus, app by app, and every alert rule evaluates against the apps' real series", async () => {
    // A cached read served by the fast path (cache="hit"), and a partner's item refused: series the rules need.
    await http('GET', `/v1/credit-analyses/${cpf.value}`);
    const refused = await http('POST', '/v1/transactions', {
      events: [
        {
          eventId: `refused-${randomUUID()}`,
          cpf: cpf.value,
          type: 'FINANCIAL_MOVEMENT',
          occurredAt: '2999-01-01T00:00:00Z',
          kind: 'SALARY',
          amountCents: 1,
        },
      ],
    });
    expect(refused.status).toBe(400);
    const hit = await eventually(
      async () => {
        const res = await http('GET', `/v1/credit-analyses/${cpf.value}`);
        return res.headers.get('x-cache') === 'HIT' ? res : null;
      },
      20_000,
      'a cached read',
    );
    expect(hit.status).toBe(200);

    const targets = await eventually(
      async () => {
        const body = (await (await fetch(`${prometheus}/api/v1/targets?state=active`)).json()) as {
          data: { activeTargets: { labels: Record<string, string>; health: string }[] };
        };
        const ours = body.data.activeTargets.filter((t) => new RegExp(`^(${instances()})$`).test(t.labels.instance!));
        return ours.length === 3 && ours.every((t) => t.health === 'up') ? ours : null;
      },
      60_000,
      'Prometheus to scrape the three apps',
    );
    expect(targets.map((t) => t.labels.app).sort()).toEqual(['api', 'ingestion-worker', 'rating-worker']);

    const { expressions, recorded } = ruleExpressions();
    const alerts = expressions.filter((e) => e.where.includes(': alert '));
    expect(alerts).toHaveLength(8);
    // Each alert's inputs exist: the raw metrics among this run's targets, the recorded ones as Prometheus wrote them.
    for (const alert of alerts) {
      for (const name of metricNamesIn(alert.expr)) {
        const query = recorded.has(name) ? `count(${name})` : `count(${name}{instance=~"${instances()}"})`;
        await eventually(async () => (await promQuery(query)).length > 0, 60_000, `${alert.where}: series of ${name}`);
      }
      // And the expression itself evaluates (an empty result is a rule that does not fire, not an error).
      await promQuery(alert.expr);
    }
    const rules = await eventually(
      async () => {
        const body = (await (await fetch(`${prometheus}/api/v1/rules`)).json()) as {
          data: { groups: { rules: { name: string; type: string; health: string; lastError?: string }[] }[] };
        };
        const all = body.data.groups.flatMap((g) => g.rules);
        return all.length > 0 && all.every((r) => r.health === 'ok') ? all : null;
      },
      30_000,
      'every rule evaluated without error',
    );
    expect(
      rules
        .filter((r) => r.type === 'alerting')
        .map((r) => r.name)
        .sort(),
    ).toEqual([
      'AnalysisErrors',
      'AuditAnchorNotMoving',
      'CachedReadP99High',
      'DeadLetterQueueGrowing',
      'JournalBacklog',
      'JournalDeadEntries',
      'PartnerRejectionSpike',
      'RatingStale',
    ]);
  }, 180_000);
});
