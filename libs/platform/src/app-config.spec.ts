import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from './app-config';

const key = () => randomBytes(32).toString('base64');
const problemsOf = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

describe('loadConfig', () => {
  it('runs embedded with no server configured, on safe defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: null, mongodbUrl: null, elasticsearchUrl: null, redisUrl: null, rabbitmqUrl: null,
      redisNamespace: 'credit', elasticsearchIndex: 'credit-transactions-v1', rateLimitPerMinute: 600, authDisabled: false, host: '127.0.0.1',
    });
  });

  it('takes a Redis namespace of letters, digits, dots, dashes and underscores', () => {
    expect(loadConfig({ REDIS_NAMESPACE: 'bank-a.prod_1' }).redisNamespace).toBe('bank-a.prod_1');
    expect(problemsOf({ REDIS_NAMESPACE: 'two words' })).toContain("REDIS_NAMESPACE=two words must be 1-64 letters, digits, '.', '_' or '-'");
    expect(problemsOf({ REDIS_NAMESPACE: 'a:b' })).toContain('REDIS_NAMESPACE=a:b');
    expect(problemsOf({ REDIS_NAMESPACE: 'x'.repeat(65) })).toContain('REDIS_NAMESPACE');
  });

  it('names every problem at once, with the variable and what it must be', () => {
    const message = problemsOf({ REDIS_URL: 'http://127.0.0.1:6379', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'loud', ELASTICSEARCH_INDEX: 'Upper' });
    expect(message).toContain('REDIS_URL must use redis or rediss://, got http://');
    expect(message).toContain('RATE_LIMIT_PER_MINUTE=0 must be an integer from 1 to 10000000');
    expect(message).toContain('LOG_LEVEL=loud must be one of');
    expect(message).toContain('ELASTICSEARCH_INDEX=Upper must be a lowercase Elasticsearch index name');
  });

  it('refuses a persistent database without field-encryption and look-up keys', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' })).toContain('DATA_ENCRYPTION_KEYS and CPF_LOOKUP_KEY are required');
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', DATA_ENCRYPTION_KEYS: `k1:${key()}`, CPF_LOOKUP_KEY: key() });
    expect(config.dataEncryptionKeys?.[0].id).toBe('k1');
    expect(config.cpfLookupKey).toHaveLength(32);
  });

  it('allows AUTH_DISABLED only in the embedded demo', () => {
    expect(loadConfig({ AUTH_DISABLED: 'true' }).authDisabled).toBe(true);
    expect(problemsOf({ AUTH_DISABLED: 'true', REDIS_URL: 'redis://127.0.0.1:6379' })).toContain('AUTH_DISABLED=true is only allowed in the embedded demo');
  });
});
