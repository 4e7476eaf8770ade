/**
 * What recording metrics adds to each cached read the fast path serves.
 * How it works: docs/benchmarks.md. Run: `npm run bench:metrics -- --help`.
 */
import { readStepLookupCounter, instrumentRedis, setMetricsEnabled } from '@app/platform';
import { fastLaneRecorder } from '../apps/api/src/http/http-metrics';
import { ANALYSIS_ROUTE } from '../apps/api/src/credit-analyses/cached-analysis.fast-path';
import { parseArgs, runMain } from './lib/args';
import { fmt, median } from './lib/load';

const USAGE = `usage: npm run bench:metrics -- [options]
  --calls N    cached hits per round (default 300000)
  --rounds N   rounds per variant, alternating on/off (default 7)`;
const opts = parseArgs({ calls: 300_000, rounds: 7 }, USAGE);

type Read = () => Promise<void>;

interface AnsweredCommand {
  name: string;
  promise: Promise<unknown>;
  resolve: (reply: unknown) => void;
  reject: (error: Error) => void;
}

/** A command as ioredis makes one: a promise its reply settles through the command's resolve or reject. */
function command(name: string): AnsweredCommand {
  let settle!: Pick<AnsweredCommand, 'resolve' | 'reject'>;
  const promise = new Promise((resolve, reject) => (settle = { resolve, reject }));
  return { name, promise, ...settle };
}

/** A Redis client whose commands are answered at once: what remains is the cost of timing them. */
function answeringRedis() {
  return {
    sendCommand: (sent: AnsweredCommand) => {
      sent.resolve('{}');
      return sent.promise;
    },
  };
}

/** The fast lane's read reduced to what metrics touch: count the lookup, send its one Redis command, record it. */
function fastLaneRead(metrics: boolean): Read {
  setMetricsEnabled(metrics);
  const countLookup = readStepLookupCounter();
  const redis = instrumentRedis(answeringRedis());
  const record = fastLaneRecorder(ANALYSIS_ROUTE);
  return async () => {
    const startedAt = record ? performance.now() : 0;
    await redis.sendCommand(command('evalsha'));
    countLookup('hit');
    record?.(200, true, (performance.now() - startedAt) / 1000);
  };
}

async function nanosecondsPerCall(read: Read): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < opts.calls; i++) await read();
  return Number(process.hrtime.bigint() - started) / opts.calls;
}

async function main(): Promise<void> {
  const variants = { on: fastLaneRead(true), off: fastLaneRead(false) };
  // Warm-up: both variants optimised before the first measured round.
  for (const read of Object.values(variants)) await nanosecondsPerCall(read);
  const rounds = { on: [] as number[], off: [] as number[] };
  for (let r = 0; r < opts.rounds; r++) {
    rounds.on.push(await nanosecondsPerCall(variants.on));
    rounds.off.push(await nanosecondsPerCall(variants.off));
  }
  const on = median(rounds.on);
  const off = median(rounds.off);
  console.log(`metrics on:  ${fmt(on, 0)} ns per hit (rounds ${rounds.on.map((n) => fmt(n, 0)).join(' / ')})`);
  console.log(`metrics off: ${fmt(off, 0)} ns per hit (rounds ${rounds.off.map((n) => fmt(n, 0)).join(' / ')})`);
  console.log(`added by metrics: ${fmt(on - off, 0)} ns (${fmt((on - off) / 1000, 2)} µs) per cached read`);
}

runMain(main);
