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
  elasticsearchUrl: string | null;
  /** Lets several deployments (or test runs) share one cluster without seeing each other's events. */
  elasticsearchIndex: string;
  redisUrl: string | null;
  rabbitmqUrl: string | null;
  analysisTtlSeconds: number;
  /** Number of demo consumers loaded into an empty embedded store; 0 disables. */
  demoConsumers: number;
  bodyLimitBytes: number;
}

export class ConfigError extends Error {}

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
  const url = (name: string, schemes: string[]): string | null => {
    const raw = env[name]?.trim();
    if (!raw) return null;
    try {
      const parsed = new URL(raw);
      if (!schemes.includes(parsed.protocol.replace(':', ''))) {
        problems.push(`${name} must use ${schemes.join(' or ')}://, got ${parsed.protocol}//`);
      }
    } catch {
      problems.push(`${name} is not a valid URL`);
    }
    return raw;
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
    if (!/^[a-z0-9][a-z0-9._-]{0,200}$/.test(raw)) problems.push(`${name}=${raw} must be a lowercase Elasticsearch index name`);
    return raw;
  };
  const config: AppConfig = {
    port: int('PORT', 3000, 0, 65535),
    host: env.HOST?.trim() || '127.0.0.1',
    logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'verbose'] as const, 'info'),
    logFormat: oneOf('LOG_FORMAT', ['text', 'json'] as const, 'text'),
    databaseUrl: url('DATABASE_URL', ['postgres', 'postgresql']),
    pgliteDataDir: env.PGLITE_DATA_DIR?.trim() || null,
    mongodbUrl: url('MONGODB_URL', ['mongodb', 'mongodb+srv']),
    elasticsearchUrl: url('ELASTICSEARCH_URL', ['http', 'https']),
    elasticsearchIndex: indexName('ELASTICSEARCH_INDEX', 'credit-transactions-v1'),
    redisUrl: url('REDIS_URL', ['redis', 'rediss']),
    rabbitmqUrl: url('RABBITMQ_URL', ['amqp', 'amqps']),
    analysisTtlSeconds: int('ANALYSIS_TTL_SECONDS', 300, 1, 86_400),
    demoConsumers: int('DEMO_CONSUMERS', 1000, 0, 1_000_000),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 1_048_576, 1024, 52_428_800),
  };
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}
