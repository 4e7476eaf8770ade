/**
 * Creditors' debt feeds over RabbitMQ by the compiled ingestion-worker, checked against PostgreSQL.
 * How it works: docs/benchmarks.md. Run: `npm run bench:debts -- --help`.
 */
import 'reflect-metadata';
import { BatchReceiptV1, EXCHANGES, QUEUES, deadLetterQueue, receiptsQueue } from '@app/contracts';
import { Cpf } from '@app/shared-kernel';
import amqp, { ChannelModel, ConfirmChannel } from 'amqplib';
import { cpus } from 'node:os';
import { Client } from 'pg';
import { PartnerIdentities, managementTarget } from '../scripts/partner-identities';
import { parseArgs, runMain } from './lib/args';
import { fmt, fmtInt, median, table } from './lib/load';
import { MACHINE, STOLEN, Spawned, build, cpuBreakdown, processShares, runDistScript, spawnApp } from './lib/processes';
import {
  cleanUp,
  createDatabase,
  createVhost,
  deleteVhost,
  dropDatabase,
  encryptionEnv,
  redisUrlWithDb,
  serversFromEnv,
} from './lib/resources';

const USAGE = `usage: npm run bench:debts -- [options]
  --consumers N   consumer records sent first, one debt contract each per registration round (default 12000)
  --rounds R      rounds of debt reports, alternating registrations and changes (default 6, at least 2)
  --batch B       reports (and records) per message (default 500; the contract allows 1 to 1000)
  --window W      published messages awaiting their broker confirm at most (default 16)
  --timeout S     give up waiting for a round's receipts after S seconds (default 120)
  --build MODE    auto (default), always or never
  --keep          keep the database, virtual host and broker user for inspection`;

const opts = parseArgs(
  { consumers: 12_000, rounds: 6, batch: 500, window: 16, timeout: 120, build: 'auto', keep: false },
  USAGE,
);

function makeCpfs(n: number, seed: number): string[] {
  const out = new Set<string>();
  for (let base = 100_000_000 + seed; out.size < n; base += 7_919) {
    const cpf = String(base).slice(0, 9) + Cpf.checkDigits(String(base).slice(0, 9));
    if (Cpf.isValid(cpf)) out.add(cpf);
  }
  return [...out];
}

const address = {
  street: 'Avenida Paulista',
  number: '1578',
  district: 'Bela Vista',
  city: 'São Paulo',
  state: 'SP',
  postalCode: '01310-200',
};
const CNPJ = '11222333000181';

/** A round's reports: a new contract per consumer, or one change per contract registered in round `of`. */
function reportsOf(
  kind: 'REGISTER' | 'CHANGE',
  round: number,
  cpfs: string[],
  registeredIn: number,
): Record<string, unknown>[] {
  return cpfs.map((cpf, i) => {
    if (kind === 'REGISTER') {
      return {
        operation: 'REGISTER',
        cpf,
        creditorCnpj: CNPJ,
        contractId: `R${round}-${i}`,
        creditor: 'Banco Bench S.A.',
        amountCents: 10_000 + i,
        dueDate: '2026-01-10',
      };
    }
    const key = { cpf, creditorCnpj: CNPJ, contractId: `R${registeredIn}-${i}` };
    switch (i % 4) {
      case 0:
        return { operation: 'UPDATE_AMOUNT', ...key, amountCents: 20_000 + i };
      case 1:
        return { operation: 'RENEGOTIATE', ...key, amountCents: 5_000 + i, dueDate: '2027-03-10' };
      case 2:
        return { operation: 'PAY', ...key };
      default:
        return { operation: 'REMOVE', ...key };
    }
  });
}

/** Publishes the batches with a bounded confirm window and resolves once every batch's receipt is in. */
async function sendAll(
  channel: ConfirmChannel,
  queue: string,
  list: 'records' | 'reports',
  items: Record<string, unknown>[],
  prefix: string,
  user: string,
  receipts: Map<string, BatchReceiptV1>,
  window: number,
  timeoutMs: number,
): Promise<{ seconds: number; accepted: number; rejected: BatchReceiptV1['rejected'] }> {
  const ids: string[] = [];
  let inFlight = 0;
  let wake: (() => void) | null = null;
  const started = performance.now();
  for (let i = 0; i < items.length; i += opts.batch) {
    while (inFlight >= window) await new Promise<void>((r) => (wake = r));
    const batchId = `${prefix}-${i / opts.batch}`;
    ids.push(batchId);
    inFlight += 1;
    channel.publish(
      EXCHANGES.commands,
      queue,
      Buffer.from(JSON.stringify({ batchId, [list]: items.slice(i, i + opts.batch) })),
      {
        persistent: true,
        mandatory: true,
        contentType: 'application/json',
        userId: user,
      },
      () => {
        inFlight -= 1;
        wake?.();
      },
    );
  }
  await channel.waitForConfirms();
  const deadline = Date.now() + timeoutMs;
  while (ids.some((id) => !receipts.has(id))) {
    if (Date.now() > deadline)
      throw new Error(
        `${ids.filter((id) => !receipts.has(id)).length} receipt(s) of ${prefix} missing after ${timeoutMs / 1000} s`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  const got = ids.map((id) => receipts.get(id)!);
  return { seconds, accepted: got.reduce((s, r) => s + r.accepted, 0), rejected: got.flatMap((r) => r.rejected) };
}

async function main(): Promise<void> {
  if (opts.rounds < 2) throw new Error('--rounds must be at least 2 (registrations and changes alternate)');
  build(opts.build);
  const servers = serversFromEnv();
  const runId = `bench-debts-${Date.now()}`;
  const partner = `bench-${Date.now().toString(36)}`;
  const cleanups: [string, () => Promise<unknown>][] = [];
  let app: Spawned | undefined;
  let connection: ChannelModel | undefined;
  try {
    const databaseUrl = await createDatabase(servers.databaseUrl, runId);
    const rabbitmqUrl = await createVhost(servers.rabbitmqUrl, runId);
    const identities = new PartnerIdentities(managementTarget({ ...process.env, RABBITMQ_URL: rabbitmqUrl }));
    if (!opts.keep) {
      cleanups.push(
        ['revoke the partner', () => identities.revoke(partner)],
        ['delete RabbitMQ vhost', () => deleteVhost(servers.rabbitmqUrl, runId)],
        ['drop PostgreSQL database', () => dropDatabase(servers.databaseUrl, runId)],
      );
    }
    const env: NodeJS.ProcessEnv = {
      ...encryptionEnv(),
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrlWithDb(servers.redisUrl, 12),
      REDIS_NAMESPACE: runId,
      RABBITMQ_URL: rabbitmqUrl,
      DEMO_CONSUMERS: '0',
    };
    runDistScript('db-migrate', [], env);
    app = await spawnApp('ingestion-worker', env, /ingestion-worker consuming/, 90_000);
    const { password } = await identities.create(partner, {
      commands: [QUEUES.consumerRecords, QUEUES.debtReports],
      events: [],
    });
    const url = new URL(rabbitmqUrl);
    url.username = partner;
    url.password = password;
    connection = await amqp.connect(url.toString());
    const channel = await connection.createConfirmChannel();
    const receipts = new Map<string, BatchReceiptV1>();
    await channel.consume(receiptsQueue(partner), (msg) => {
      if (!msg) return;
      const receipt = JSON.parse(msg.content.toString('utf8')) as BatchReceiptV1;
      receipts.set(receipt.batchId, receipt);
      channel.ack(msg);
    });
    const cpfs = makeCpfs(opts.consumers, Date.now() % 1_000);
    const send = (queue: string, list: 'records' | 'reports', items: Record<string, unknown>[], prefix: string) =>
      sendAll(channel, queue, list, items, prefix, partner, receipts, opts.window, opts.timeout * 1000);

    const meter = cpuBreakdown({ 'ingestion-worker': app.pid });
    const records = await send(
      QUEUES.consumerRecords,
      'records',
      cpfs.map((cpf, i) => ({ cpf, name: `Consumidor Bench ${i}`, address })),
      `${runId}-records`,
    );
    const rounds: { kind: 'REGISTER' | 'CHANGE'; seconds: number; accepted: number; rejected: number }[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      const kind = r % 2 === 0 ? 'REGISTER' : 'CHANGE';
      const result = await send(QUEUES.debtReports, 'reports', reportsOf(kind, r, cpfs, r - 1), `${runId}-round-${r}`);
      rounds.push({ kind, seconds: result.seconds, accepted: result.accepted, rejected: result.rejected.length });
      if (result.rejected.length) console.log(`round ${r}: first rejection ${JSON.stringify(result.rejected[0])}`);
    }
    const cpu = meter();

    const pg = new Client({ connectionString: databaseUrl });
    await pg.connect();
    const counts = (await pg.query(`SELECT status, count(*)::int AS n FROM debts GROUP BY status ORDER BY status`))
      .rows as { status: string; n: number }[];
    const consumersStored = (await pg.query('SELECT count(*)::int AS n FROM consumers')).rows[0].n as number;
    await pg.end();
    const dlq = (await channel.checkQueue(deadLetterQueue(QUEUES.debtReports))).messageCount;

    const perSecond = (r: { seconds: number }) => cpfs.length / r.seconds;
    const register = rounds.filter((r) => r.kind === 'REGISTER').map(perSecond);
    const change = rounds.filter((r) => r.kind === 'CHANGE').map(perSecond);
    console.log(
      `\nDebt reports over RabbitMQ: ${fmtInt(cpfs.length)} consumers, batches of ${opts.batch}, ${opts.rounds} rounds (interleaved)`,
    );
    console.log(
      table(
        ['round', 'kind', 'reports', 'seconds', 'reports/s', 'accepted', 'rejected'],
        rounds.map((r, i) => [
          i,
          r.kind,
          fmtInt(cpfs.length),
          fmt(r.seconds, 2),
          fmtInt(perSecond(r)),
          fmtInt(r.accepted),
          fmtInt(r.rejected),
        ]),
      ),
    );
    console.log(
      table(
        ['measure', 'value'],
        [
          ['consumer records/s (first publish → last receipt)', fmtInt(cpfs.length / records.seconds)],
          ['debt reports/s, registrations (median of rounds)', fmtInt(median(register))],
          ['debt reports/s, changes (median of rounds)', fmtInt(median(change))],
          ['ratio changes / registrations (same run)', fmt(median(change) / median(register), 2)],
          ['consumers stored / sent', `${fmtInt(consumersStored)} / ${fmtInt(cpfs.length)}`],
          ['debts stored by status', counts.map((c) => `${c.status} ${fmtInt(c.n)}`).join(', ')],
          ['messages in the debt reports DLQ', fmtInt(dlq)],
        ],
      ),
    );
    // Each change round removes one contract in four (i % 4 == 3) of those the round before registered.
    const expectedRows =
      Math.ceil(opts.rounds / 2) * cpfs.length - Math.floor(opts.rounds / 2) * Math.floor(cpfs.length / 4);
    const allAccepted =
      rounds.every((r) => r.accepted === cpfs.length && r.rejected === 0) && records.accepted === cpfs.length;
    const stored = counts.reduce((s, c) => s + c.n, 0);
    console.log(
      `every item accepted: ${allAccepted ? 'YES' : 'NO'}; debts stored ${fmtInt(stored)} (expected ${fmtInt(expectedRows)}: registrations less removals)`,
    );
    console.log(
      `CPU, % of one core (machine has ${cpus().length * 100}%): ${processShares(cpu)}; machine busy ${fmt(cpu[MACHINE] ?? 0, 0)}, stolen by the host ${fmt(cpu[STOLEN] ?? 0, 0)}`,
    );
    if (!allAccepted || stored !== expectedRows || dlq !== 0) process.exitCode = 1;
  } finally {
    await connection?.close().catch(() => undefined);
    await app?.stop();
    await cleanUp(cleanups);
  }
}

runMain(main);
