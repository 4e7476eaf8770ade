import { readStepLookupCounter, throttledWarning } from '@app/platform';
import { Logger } from '@nestjs/common';
import { CachedAnalysisReads, CachedReadRequest, CachedReadResult } from '@app/credit-application';
import { RATE_COUNTER_TTL_MS, rateWindow } from './redis-rate-limiter';
import { luaFillTicket } from './redis-analysis.cache';
import { RedisClient, layoutOf } from './redis-client';
import { inquiryJournalEntry } from './redis-inquiry-journal';
import { Journal, journalStreamOf, redisJournals, redisKeys } from './redis-keys';
import { UnreplicatedStreams, reachedReplicas, waitForReplicas } from './redis-replica-ack';

/**
 * KEYS: cached analysis, audit journal, inquiry journal, the CPF's invalidation count (all four on the CPF's shard, so
 * one slot) and, on a single server, the client's rate counter. ARGV: limit, counter TTL (ms), sealed audit entry
 * (JSON), bureau inquiry (JSON) and, when the counter is not among the keys, the count it already reached. Returns
 * {count} when over the limit, {count, false, invalidations} when no analysis is cached (the miss's fill ticket), and
 * {count, analysis} when it is served, in which case the audit entry and the inquiry are in their journals: Redis runs
 * a script atomically, so a served read without them cannot happen. The counter shares its key with RedisRateLimiter.
 */
const READ = `
local count
if #KEYS == 5 then
  count = redis.call('INCR', KEYS[5])
  if count == 1 then redis.call('PEXPIRE', KEYS[5], ARGV[2]) end
else
  count = tonumber(ARGV[5])
end
if count > tonumber(ARGV[1]) then return {count} end
local analysis = redis.call('GET', KEYS[1])
if not analysis then return {count, false, ${luaFillTicket('KEYS[4]')}} end
redis.call('XADD', KEYS[2], '*', 'entry', ARGV[3])
redis.call('XADD', KEYS[3], '*', 'entry', ARGV[4])
return {count, analysis}
`;
/** KEYS: the client's rate counter. ARGV: counter TTL (ms). The count, on the counter's own slot. */
const COUNT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
`;

type ReadReply = [number, Buffer | null | undefined, Buffer?];

/**
 * The cached read in as few Redis steps as the layout allows: one script on a single server, the count then the read
 * on a cluster, followed by WAIT when journal replicas are required (docs/architecture.md, "On a cluster…"). After a
 * WAIT falls short, the CPF's shard goes to the full path for a second, so a primary without its replica does not
 * leave every read's entries twice.
 */
export class RedisCachedAnalysisReads extends CachedAnalysisReads {
  private readonly warn = throttledWarning(new Logger(RedisCachedAnalysisReads.name));
  private readonly audit: Journal;
  private readonly inquiries: Journal;
  private readonly cluster: boolean;
  private readonly commands: Commands;
  private readonly unreplicated = new UnreplicatedStreams();
  private readonly countLookup = readStepLookupCounter();

  constructor(
    private readonly redis: RedisClient,
    private readonly limit: number,
    private readonly namespace: string,
    private readonly replicas = 0,
  ) {
    super();
    // ioredis sends EVAL once per connection, then EVALSHA, and EVAL again after NOSCRIPT (a restarted, promoted node).
    redis.defineCommand('creditCachedAnalysisReadV4', { numberOfKeys: undefined, lua: READ });
    redis.defineCommand('creditRateCountV1', { numberOfKeys: 1, lua: COUNT });
    this.commands = redis as unknown as Commands;
    this.cluster = layoutOf(redis) === 'cluster';
    this.audit = redisJournals.audit(namespace, layoutOf(redis));
    this.inquiries = redisJournals.inquiry(namespace, layoutOf(redis));
  }

  async read({ cpf, clientId, audit, inquiry }: CachedReadRequest): Promise<CachedReadResult> {
    if (this.redis.status !== 'ready') {
      this.countLookup('error');
      return { kind: 'unavailable' };
    }
    const auditStream = journalStreamOf(this.audit, cpf);
    if (this.unreplicated.skips(auditStream.key)) return { kind: 'unavailable' };
    const window = rateWindow(this.namespace, clientId, Date.now());
    try {
      const keys = [
        redisKeys.analysis(this.namespace, cpf),
        auditStream.key,
        journalStreamOf(this.inquiries, cpf).key,
        redisKeys.analysisInvalidations(this.namespace, cpf),
      ];
      const argv: (string | number)[] = [
        this.limit,
        RATE_COUNTER_TTL_MS,
        JSON.stringify(audit),
        inquiryJournalEntry(inquiry),
      ];
      if (this.cluster) {
        const count = Number(await this.commands.creditRateCountV1(window.key, RATE_COUNTER_TTL_MS));
        if (count > this.limit) return { kind: 'miss', rate: window.decide(count, this.limit), ticket: null };
        argv.push(count);
      } else {
        keys.push(window.key);
      }
      // No pipeline when no WAIT follows: one object and one promise less per request on the hottest path.
      let reply: ReadReply;
      let replicated = true;
      if (this.replicas === 0) {
        reply = await this.commands.creditCachedAnalysisReadV4Buffer(keys.length, ...keys, ...argv);
      } else {
        ({ reply, replicated } = await this.runReplicatedRead(keys, argv));
      }
      const [count, body, invalidations] = reply;
      const rate = window.decide(Number(count), this.limit);
      if (!replicated) this.unreplicated.mark(auditStream.key);
      // Over the limit the script stops before the GET: no lookup to count.
      if (rate.allowed) this.countLookup(body ? 'hit' : 'miss');
      // Served only once its entries are where a failover keeps them; otherwise the full path reads and records it.
      if (body && replicated) return { kind: 'hit', body, rate };
      return { kind: 'miss', rate, ticket: !body && invalidations ? invalidations.toString() : null };
    } catch (error) {
      this.countLookup('error');
      this.warn(`cached read failed, answering from the stores: ${(error as Error).message}`);
      return { kind: 'unavailable' };
    }
  }

  /** The read script, and whether enough replicas hold what it journalled (WAIT in the same round trip). */
  private async runReplicatedRead(
    keys: string[],
    argv: (string | number)[],
  ): Promise<{ reply: ReadReply; replicated: boolean }> {
    const pipeline = (this.redis.pipeline() as PipelineCommands).creditCachedAnalysisReadV4Buffer(
      keys.length,
      ...keys,
      ...argv,
    );
    const results = (await waitForReplicas(pipeline, this.replicas).exec()) ?? [];
    const [error, reply] = results[0] ?? [new Error('no reply'), null];
    if (error) throw error;
    return { reply: reply as ReadReply, replicated: reachedReplicas(results, this.replicas) };
  }
}

type Commands = {
  creditRateCountV1: (key: string, ttlMs: number) => Promise<number>;
  creditCachedAnalysisReadV4Buffer: (...keysAndArgs: (string | number)[]) => Promise<ReadReply>;
};
type PipelineCommands = ReturnType<RedisClient['pipeline']> & {
  creditCachedAnalysisReadV4Buffer: (...keysAndArgs: (string | number)[]) => ReturnType<RedisClient['pipeline']>;
};
