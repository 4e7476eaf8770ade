import { DEFAULT_DELIVERY_LIMIT } from './rabbitmq/rabbitmq.topology';

/**
 * Typed configuration read once from the environment and validated at start-up: a wrong value stops the
 * process with a message naming the variable, instead of failing later on the first request.
 * Each store picks its adapter from its URL; with no URL the embedded adapter is used.
 */
export interface AppConfig {
  port: number;
  host: string;
  logLevel: string;
  logFormat: 'text' | 'json';
  databaseUrl: string | null;
  /** Where PGlite keeps its files when no DATABASE_URL is set; null keeps it in memory. */
  pgliteDataDir: string | null;
  mongodbUrl: string | null;
  /** One Elasticsearch node, or several nodes of one cluster separated by commas (the client spreads, fails over). */
  elasticsearchUrl: string | null;
  /** Lets several deployments (or test runs) share one cluster without seeing each other's events. */
  elasticsearchIndex: string;
  /**
   * Replicas of each shard of the events index (ELASTICSEARCH_REPLICAS). Null (`auto`, the default): 1 when the
   * cluster has more than one data node when the index is set up, 0 on a single node, where a replica could never be
   * placed and the index would stay yellow.
   */
  elasticsearchReplicas: number | null;
  /** Primary shards of a new events index (ELASTICSEARCH_SHARDS); an existing index keeps the count it has. */
  elasticsearchShards: number;
  /** Redis for the cache, rate limit and journals: one server (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES). */
  redis: RedisTarget | null;
  /**
   * Replicas that must hold a journalled entry (audit entry, bureau inquiry, change event) before the request that
   * wrote it is answered: Redis WAIT after the write (REDIS_JOURNAL_REPLICAS). Default 1 on a cluster, where a failover
   * promotes a replica and loses what it had not received, and 0 on one server, whose append-only file keeps them.
   */
  redisJournalReplicas: number;
  /**
   * Prefix of every key this deployment writes to Redis (cache, rate-limit counters, audit journal), so several
   * deployments or test runs can share one Redis.
   */
  redisNamespace: string;
  /** One RabbitMQ node, or several nodes of one cluster separated by commas (tried in turn when a connection drops). */
  rabbitmqUrl: string | null;
  /**
   * The type of the queues this deployment declares (RABBITMQ_QUEUE_TYPE): `quorum` (replicated on every node of a
   * cluster, RabbitMQ's choice for data safety), the default when RABBITMQ_URL names several nodes, or `classic`, the
   * default on one node. An existing queue keeps its type: the topology check refuses to start on a mismatch.
   */
  rabbitmqQueueType: QueueType;
  /**
   * Quorum queues only: how many times a message may be handed to consumers that never settled it (a worker killed or
   * disconnected while holding it), as the broker counts them, before the consumer dead-letters it instead of handling
   * it (RABBITMQ_DELIVERY_LIMIT, default 20).
   */
  rabbitmqDeliveryLimit: number;
  analysisTtlSeconds: number;
  /**
   * Demo consumers loaded into empty stores (DEMO_CONSUMERS); 0 disables. By default 1,000 in the embedded profile
   * (no server URL) and 0 when any server is configured: demo CPFs are valid CPF numbers, and a real person holding one
   * would be reported with invented debts. With servers it loads only when set explicitly, never with
   * NODE_ENV=production, and what it loads is marked in each store (`npm run demo -- remove` takes it out).
   */
  demoConsumers: number;
  /** NODE_ENV=production: the configuration of a deployment that serves real people. */
  production: boolean;
  bodyLimitBytes: number;
  /**
   * Keys for field encryption at rest (AES-256-GCM), as `id:base64key` pairs separated by commas. The first is used
   * to encrypt; the others still decrypt, so keys can be rotated. Null only in the embedded default, which then makes
   * ephemeral keys (its data lives in memory anyway). Required whenever DATABASE_URL is set.
   */
  dataEncryptionKeys: { id: string; key: Buffer }[] | null;
  /** Key of the HMAC that turns a CPF into its look-up hash; same rules as the encryption keys. */
  cpfLookupKey: Buffer | null;
  /** Requests per minute allowed to one API client. */
  rateLimitPerMinute: number;
  /** Turns authentication off: only for the embedded demo, refused when any server URL is set. */
  authDisabled: boolean;
  /**
   * Whether this process relays the Redis journals (audit entries to PostgreSQL, bureau inquiries to Elasticsearch). On
   * by default, so that a deployment never leaves journalled entries behind; a deployment with workers turns it off in
   * the API (RUN_JOURNAL_RELAYS=false) so that the API's event loop serves requests only. Any number of processes may
   * relay at once. Without Redis there is no journal and this has no effect.
   */
  runJournalRelays: boolean;
  /**
   * How often a process that relays (RUN_JOURNAL_RELAYS) logs the audit chain's head as an anchor, when it moved
   * (AUDIT_ANCHOR_EVERY_MS, default 15 min; 0 turns it off). Logs shipped elsewhere then hold anchors the database's
   * owner cannot rewrite. Only with DATABASE_URL: the embedded PGlite chain dies with its process.
   */
  auditAnchorEveryMs: number;
  /**
   * A scoring model artefact (JSON, as scripts/model writes them) to rate with instead of the built-in one: how a
   * model release reaches the rating workers. Checked at start-up; null: the built-in model.
   */
  scoringModelPath: string | null;
  /** Port of a worker's status endpoint (GET /health/ready with its backlog); null: none. */
  statusPort: number | null;
  /**
   * How often a process that re-rates (the rating worker, or the embedded default) checks that the day's expiry sweep
   * is registered (EXPIRY_SWEEP_CHECK_MS, default 10 min; 0 turns it off in this process).
   */
  expirySweepCheckMs: number;
  /**
   * Whether this process records Prometheus metrics and serves them on /metrics (the API's port, a worker's
   * STATUS_PORT); METRICS_ENABLED, default true. Off, no request or store call is timed.
   */
  metricsEnabled: boolean;
  /**
   * Days a newly registered debt waits, after the consumer's notice is sent, before it may be reported or scored
   * (NOTICE_PERIOD_DAYS, default 10; CDC art. 43 §2). 0 (reportable once the notice is sent) is for tests, and is
   * refused with NODE_ENV=production.
   */
  noticePeriodDays: number;
}

/** Where Redis is: one server, or the nodes a Redis Cluster client discovers the cluster from. */
export type RedisTarget = { mode: 'standalone'; url: string } | { mode: 'cluster'; nodes: string[] };

type QueueType = 'classic' | 'quorum';

export class ConfigError extends Error {}

/** The URLs of a variable that may name several nodes of one cluster, separated by commas. */
export function serverUrls(raw: string): string[] {
  return raw
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${raw} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const checkUrl = (name: string, raw: string, schemes: string[]): URL | null => {
    try {
      const parsed = new URL(raw);
      if (!schemes.includes(parsed.protocol.replace(':', ''))) {
        problems.push(`${name} must use ${schemes.join(' or ')}://, got ${parsed.protocol}//`);
      }
      return parsed;
    } catch {
      problems.push(`${name} is not a valid URL`);
      return null;
    }
  };
  const url = (name: string, schemes: string[]): string | null => {
    const raw = env[name]?.trim();
    if (!raw) return null;
    checkUrl(name, raw, schemes);
    return raw;
  };
  /** One URL, or several nodes of one cluster separated by commas, all with the same credentials. */
  const urls = (name: string, schemes: string[]): string | null => {
    const raw = env[name]?.trim();
    if (!raw) return null;
    const parsed = serverUrls(raw).map((u) => checkUrl(name, u, schemes));
    if (new Set(parsed.map((u) => `${u?.username}:${u?.password}:${u?.pathname}`)).size > 1) {
      problems.push(`${name} names nodes of one cluster: give every URL the same user, password and path`);
    }
    return raw;
  };
  const redisTarget = (): RedisTarget | null => {
    const single = url('REDIS_URL', ['redis', 'rediss']);
    const nodes = env.REDIS_CLUSTER_NODES?.trim();
    if (single && nodes) {
      problems.push('REDIS_URL and REDIS_CLUSTER_NODES are both set: name one server or the nodes of one cluster');
    }
    if (!nodes) return single ? { mode: 'standalone', url: single } : null;
    // host:port is enough for a node; a URL carries credentials or TLS (rediss://), the same for every node.
    const list = serverUrls(nodes).map((n) => (/^[a-z]+:\/\//.test(n) ? n : `redis://${n}`));
    for (const node of list) {
      const parsed = checkUrl('REDIS_CLUSTER_NODES', node, ['redis', 'rediss']);
      if (parsed && parsed.pathname.length > 1) {
        problems.push(`REDIS_CLUSTER_NODES: ${parsed.host} names a database; a cluster has only database 0`);
      }
    }
    return { mode: 'cluster', nodes: list };
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!allowed.includes(raw as T)) problems.push(`${name}=${raw} must be one of ${allowed.join(', ')}`);
    return allowed.includes(raw as T) ? (raw as T) : fallback;
  };
  const indexName = (name: string, fallback: string): string => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    if (!/^[a-z0-9][a-z0-9._-]{0,200}$/.test(raw))
      problems.push(`${name}=${raw} must be a lowercase Elasticsearch index name`);
    return raw;
  };
  const redisNamespace = (): string => {
    const raw = env.REDIS_NAMESPACE?.trim();
    if (!raw) return 'credit';
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(raw))
      problems.push(`REDIS_NAMESPACE=${raw} must be 1-64 letters, digits, '.', '_' or '-'`);
    return raw;
  };
  const key32 = (name: string, raw: string): Buffer | null => {
    const key = Buffer.from(raw, 'base64');
    if (key.length !== 32) {
      problems.push(`${name} must be 32 bytes, base64-encoded (generate one with: openssl rand -base64 32)`);
      return null;
    }
    return key;
  };
  const keyring = (name: string): { id: string; key: Buffer }[] | null => {
    const raw = env[name]?.trim();
    if (!raw) return null;
    const keys = raw.split(',').map((pair) => {
      const [id, material] = pair.split(':');
      if (!id || !material || !/^[A-Za-z0-9_-]{1,32}$/.test(id))
        problems.push(`${name} must be id:base64key pairs separated by commas`);
      return { id: id ?? '', key: key32(name, material ?? '') ?? Buffer.alloc(0) };
    });
    if (new Set(keys.map((k) => k.id)).size !== keys.length) problems.push(`${name} has the same key id twice`);
    return keys;
  };
  const config: AppConfig = {
    port: int('PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'verbose'] as const, 'info'),
    logFormat: oneOf('LOG_FORMAT', ['text', 'json'] as const, 'text'),
    databaseUrl: url('DATABASE_URL', ['postgres', 'postgresql']),
    pgliteDataDir: env.PGLITE_DATA_DIR?.trim() || null,
    mongodbUrl: url('MONGODB_URL', ['mongodb', 'mongodb+srv']),
    elasticsearchUrl: urls('ELASTICSEARCH_URL', ['http', 'https']),
    elasticsearchIndex: indexName('ELASTICSEARCH_INDEX', 'credit-transactions-v1'),
    elasticsearchReplicas: ['', 'auto'].includes(env.ELASTICSEARCH_REPLICAS?.trim() ?? '')
      ? null
      : int('ELASTICSEARCH_REPLICAS', 0, 0, 10),
    elasticsearchShards: int('ELASTICSEARCH_SHARDS', 1, 1, 64),
    redis: redisTarget(),
    redisJournalReplicas: 0,
    redisNamespace: redisNamespace(),
    rabbitmqUrl: urls('RABBITMQ_URL', ['amqp', 'amqps']),
    rabbitmqQueueType: 'classic',
    rabbitmqDeliveryLimit: int('RABBITMQ_DELIVERY_LIMIT', DEFAULT_DELIVERY_LIMIT, 1, 1_000),
    analysisTtlSeconds: int('ANALYSIS_TTL_SECONDS', 300, 1, 86_400),
    demoConsumers: 0,
    production: env.NODE_ENV?.trim() === 'production',
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 1_048_576, 1024, 52_428_800),
    dataEncryptionKeys: keyring('DATA_ENCRYPTION_KEYS'),
    cpfLookupKey: env.CPF_LOOKUP_KEY?.trim() ? key32('CPF_LOOKUP_KEY', env.CPF_LOOKUP_KEY.trim()) : null,
    rateLimitPerMinute: int('RATE_LIMIT_PER_MINUTE', 600, 1, 10_000_000),
    authDisabled: env.AUTH_DISABLED === 'true',
    runJournalRelays: oneOf('RUN_JOURNAL_RELAYS', ['true', 'false'] as const, 'true') === 'true',
    auditAnchorEveryMs: int('AUDIT_ANCHOR_EVERY_MS', 900_000, 0, 86_400_000),
    scoringModelPath: env.SCORING_MODEL_PATH?.trim() || null,
    statusPort: env.STATUS_PORT?.trim() ? int('STATUS_PORT', 0, 1, 65535) : null,
    expirySweepCheckMs: int('EXPIRY_SWEEP_CHECK_MS', 600_000, 0, 86_400_000),
    metricsEnabled: oneOf('METRICS_ENABLED', ['true', 'false'] as const, 'true') === 'true',
    noticePeriodDays: int('NOTICE_PERIOD_DAYS', 10, 0, 90),
  };
  if ((config.databaseUrl || config.pgliteDataDir) && (!config.dataEncryptionKeys || !config.cpfLookupKey)) {
    problems.push(
      `${config.databaseUrl ? 'DATABASE_URL' : 'PGLITE_DATA_DIR'} is set, so DATA_ENCRYPTION_KEYS and CPF_LOOKUP_KEY are required: personal data that outlives the process is never stored in clear, nor under throwaway keys`,
    );
  }
  config.redisJournalReplicas = int('REDIS_JOURNAL_REPLICAS', config.redis?.mode === 'cluster' ? 1 : 0, 0, 5);
  const brokerNodes = config.rabbitmqUrl ? serverUrls(config.rabbitmqUrl).length : 0;
  const queueTypes = ['classic', 'quorum'] as const;
  config.rabbitmqQueueType = oneOf('RABBITMQ_QUEUE_TYPE', queueTypes, brokerNodes > 1 ? 'quorum' : 'classic');
  const { databaseUrl, mongodbUrl, elasticsearchUrl, redis, rabbitmqUrl } = config;
  const serverConfigured = [databaseUrl, mongodbUrl, elasticsearchUrl, redis, rabbitmqUrl].some(Boolean);
  config.demoConsumers = int('DEMO_CONSUMERS', serverConfigured || config.production ? 0 : 1000, 0, 1_000_000);
  if (config.demoConsumers > 0 && config.production) {
    problems.push(
      `DEMO_CONSUMERS=${config.demoConsumers} is refused with NODE_ENV=production: demo consumers are fictitious ` +
        'people with valid CPFs and must never reach the stores of a deployment that serves real ones',
    );
  }
  if (config.noticePeriodDays === 0 && config.production) {
    problems.push(
      'NOTICE_PERIOD_DAYS=0 is refused with NODE_ENV=production: consumers must have time to pay or dispute a record' +
        ' before it is reported (CDC art. 43 §2)',
    );
  }
  if (config.authDisabled && serverConfigured)
    problems.push('AUTH_DISABLED=true is only allowed in the embedded demo, with no server configured');
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}
