import { readStepLookupCounter, throttledWarning } from '@app/platform';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { CachedAnalysisReads, CachedReadRequest, CachedReadResult } from '../../application/ports/cached-analysis-reads';
import { RATE_COUNTER_TTL_MS, rateWindow } from './redis-rate-limiter';
import { luaFillTicket } from './redis-analysis.cache';
import { inquiryJournalEntry } from './redis-inquiry-journal';
import { redisKeys } from './redis-keys';

/**
 * KEYS: rate counter, cached analysis, audit journal, inquiry journal, the CPF's invalidation count. ARGV: limit,
 * counter TTL (ms), sealed audit entry (JSON), bureau inquiry (JSON). Returns {count} when over the limit,
 * {count, false, invalidations} when no analysis is cached (the miss's fill ticket), and {count, analysis} when it is
 * served, in which case the audit entry and the inquiry are in their journals: Redis runs a script atomically, so a
 * served read without them cannot happen. The counter shares its key with RedisRateLimiter.
 */
const SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if count > tonumber(ARGV[1]) then return {count} end
local analysis = redis.call('GET', KEYS[2])
if not analysis then return {count, false, ${luaFillTicket('KEYS[5]')}} end
redis.call('XADD', KEYS[3], '*', 'entry', ARGV[3])
redis.call('XADD', KEYS[4], '*', 'entry', ARGV[4])
return {count, analysis}
`;

type FastRead = (
  rateKey: string, analysisKey: string, auditKey: string, inquiryKey: string, invalidationsKey: string,
  limit: number, ttlMs: number, entry: string, inquiry: string,
) => Promise<[number, Buffer | null | undefined, Buffer?]>;

export class RedisCachedAnalysisReads extends CachedAnalysisReads {
  private readonly warn = throttledWarning(new Logger(RedisCachedAnalysisReads.name));
  private readonly countLookup = readStepLookupCounter();
  private readonly fastRead: FastRead;
  private readonly auditKey: string;
  private readonly inquiryKey: string;

  constructor(
    private readonly redis: Redis,
    private readonly limit: number,
    private readonly namespace: string,
  ) {
    super();
    // ioredis sends EVALSHA and falls back to EVAL once when the script is not loaded (after a Redis restart).
    redis.defineCommand('creditCachedAnalysisReadV3', { numberOfKeys: 5, lua: SCRIPT });
    const commands = redis as unknown as { creditCachedAnalysisReadV3Buffer: FastRead };
    this.fastRead = commands.creditCachedAnalysisReadV3Buffer.bind(redis);
    this.auditKey = redisKeys.auditJournal(namespace);
    this.inquiryKey = redisKeys.inquiryJournal(namespace);
  }

  async read({ cpf, clientId, audit, inquiry }: CachedReadRequest): Promise<CachedReadResult> {
    if (this.redis.status !== 'ready') {
      this.countLookup('error');
      return { kind: 'unavailable' };
    }
    const window = rateWindow(this.namespace, clientId, Date.now());
    try {
      const [count, body, invalidations] = await this.fastRead(
        window.key, redisKeys.analysis(this.namespace, cpf), this.auditKey, this.inquiryKey, redisKeys.analysisInvalidations(this.namespace, cpf),
        this.limit, RATE_COUNTER_TTL_MS, JSON.stringify(audit), inquiryJournalEntry(inquiry),
      );
      const rate = window.decide(Number(count), this.limit);
      // Over the limit the script stops before the GET: no lookup to count.
      if (rate.allowed) this.countLookup(body ? 'hit' : 'miss');
      if (body) return { kind: 'hit', body, rate };
      return { kind: 'miss', rate, ticket: invalidations ? invalidations.toString() : null };
    } catch (error) {
      this.countLookup('error');
      this.warn(`cached read failed, answering from the stores: ${(error as Error).message}`);
      return { kind: 'unavailable' };
    }
  }
}
