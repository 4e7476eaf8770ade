import { throttledWarning } from '@app/platform';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { CachedAnalysisReads, CachedReadRequest, CachedReadResult } from '../../application/ports/cached-analysis-reads';
import { RATE_COUNTER_TTL_MS, rateWindow } from '../rate-limit/redis-rate-limiter';
import { inquiryJournalEntry } from './redis-inquiry-journal';
import { redisKeys } from './redis-keys';

/**
 * KEYS: rate counter, cached analysis, audit journal, inquiry journal. ARGV: limit, counter TTL (ms), sealed audit
 * entry (JSON), bureau inquiry (JSON). Returns {count} when nothing is served (over the limit, or no analysis cached)
 * and {count, analysis} when it is, in which case the audit entry and the inquiry are in their journals: Redis runs a
 * script atomically, so a served read without them cannot happen. The counter shares its key with RedisRateLimiter.
 */
const SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if count > tonumber(ARGV[1]) then return {count} end
local analysis = redis.call('GET', KEYS[2])
if not analysis then return {count} end
redis.call('XADD', KEYS[3], '*', 'entry', ARGV[3])
redis.call('XADD', KEYS[4], '*', 'entry', ARGV[4])
return {count, analysis}
`;

type FastRead = (rateKey: string, analysisKey: string, auditKey: string, inquiryKey: string, limit: number, ttlMs: number, entry: string, inquiry: string) => Promise<[number, Buffer?]>;

export class RedisCachedAnalysisReads extends CachedAnalysisReads {
  private readonly warn = throttledWarning(new Logger(RedisCachedAnalysisReads.name));
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
    redis.defineCommand('creditCachedAnalysisReadV2', { numberOfKeys: 4, lua: SCRIPT });
    const commands = redis as unknown as { creditCachedAnalysisReadV2Buffer: FastRead };
    this.fastRead = commands.creditCachedAnalysisReadV2Buffer.bind(redis);
    this.auditKey = redisKeys.auditJournal(namespace);
    this.inquiryKey = redisKeys.inquiryJournal(namespace);
  }

  async read({ cpf, clientId, audit, inquiry }: CachedReadRequest): Promise<CachedReadResult> {
    if (this.redis.status !== 'ready') return { kind: 'unavailable' };
    const window = rateWindow(this.namespace, clientId, Date.now());
    try {
      const [count, body] = await this.fastRead(
        window.key, redisKeys.analysis(this.namespace, cpf), this.auditKey, this.inquiryKey,
        this.limit, RATE_COUNTER_TTL_MS, JSON.stringify(audit), inquiryJournalEntry(inquiry),
      );
      const rate = window.decide(Number(count), this.limit);
      return body ? { kind: 'hit', body, rate } : { kind: 'miss', rate };
    } catch (error) {
      this.warn(`cached read failed, answering from the stores: ${(error as Error).message}`);
      return { kind: 'unavailable' };
    }
  }
}
