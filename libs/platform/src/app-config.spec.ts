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
      databaseUrl: null,
      mongodbUrl: null,
      elasticsearchUrl: null,
      redis: null,
      rabbitmqUrl: null,
      redisNamespace: 'credit',
      elasticsearchIndex: 'credit-transactions-v1',
      rateLimitPerMinute: 600,
      authDisabled: false,
      host: '127.0.0.1',
    });
  });

  it('gives a new debt a notice period of 10 days by default, configurable, and never 0 in production', () => {
    expect(loadConfig({}).noticePeriodDays).toBe(10);
    expect(loadConfig({ NOTICE_PERIOD_DAYS: '15' }).noticePeriodDays).toBe(15);
    expect(problemsOf({ NOTICE_PERIOD_DAYS: '-1' })).toContain('NOTICE_PERIOD_DAYS=-1 must be an integer from 0 to 90');
    expect(problemsOf({ NOTICE_PERIOD_DAYS: '0', NODE_ENV: 'production' })).toContain(
      'NOTICE_PERIOD_DAYS=0 is refused with NODE_ENV=production',
    );
  });

  it('takes a Redis namespace of letters, digits, dots, dashes and underscores', () => {
    expect(loadConfig({ REDIS_NAMESPACE: 'bank-a.prod_1' }).redisNamespace).toBe('bank-a.prod_1');
    expect(problemsOf({ REDIS_NAMESPACE: 'two words' })).toContain(
      "REDIS_NAMESPACE=two words must be 1-64 letters, digits, '.', '_' or '-'",
    );
    expect(problemsOf({ REDIS_NAMESPACE: 'a:b' })).toContain('REDIS_NAMESPACE=a:b');
    expect(problemsOf({ REDIS_NAMESPACE: 'x'.repeat(65) })).toContain('REDIS_NAMESPACE');
  });

  it('names every problem at once, with the variable and what it must be', () => {
    const message = problemsOf({
      REDIS_URL: 'http://127.0.0.1:6379',
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'loud',
      ELASTICSEARCH_INDEX: 'Upper',
    });
    expect(message).toContain('REDIS_URL must use redis or rediss://, got http://');
    expect(message).toContain('RATE_LIMIT_PER_MINUTE=0 must be an integer from 1 to 10000000');
    expect(message).toContain('LOG_LEVEL=loud must be one of');
    expect(message).toContain('ELASTICSEARCH_INDEX=Upper must be a lowercase Elasticsearch index name');
  });

  describe('clusters: several nodes of one server, same code', () => {
    it('keeps one Redis server as it was: no replica awaited, classic queues, index replicas from the cluster', () => {
      const env = {
        REDIS_URL: 'redis://127.0.0.1:6379',
        RABBITMQ_URL: 'amqp://127.0.0.1',
        ELASTICSEARCH_URL: 'http://127.0.0.1:9200',
      };
      expect(loadConfig(env)).toMatchObject({
        redis: { mode: 'standalone', url: 'redis://127.0.0.1:6379' },
        redisJournalReplicas: 0,
        rabbitmqQueueType: 'classic',
        rabbitmqDeliveryLimit: 20,
        elasticsearchReplicas: null,
        elasticsearchShards: 1,
      });
    });

    it('takes a Redis Cluster as a list of nodes (host:port or URLs) and then awaits one replica per journal write', () => {
      const config = loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7101, redis://127.0.0.1:7102 ,127.0.0.1:7103' });
      const nodes = ['redis://127.0.0.1:7101', 'redis://127.0.0.1:7102', 'redis://127.0.0.1:7103'];
      expect(config.redis).toEqual({ mode: 'cluster', nodes });
      expect(config.redisJournalReplicas).toBe(1);
      const unreplicated = loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7101', REDIS_JOURNAL_REPLICAS: '0' });
      expect(unreplicated.redisJournalReplicas).toBe(0);
    });

    it('refuses a Redis given both ways, a cluster node naming a database, and a foreign scheme', () => {
      const both = { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7101' };
      expect(problemsOf(both)).toContain('REDIS_URL and REDIS_CLUSTER_NODES are both set');
      expect(problemsOf({ REDIS_CLUSTER_NODES: 'redis://127.0.0.1:7101/3' })).toContain(
        '127.0.0.1:7101 names a database; a cluster has only database 0',
      );
      expect(problemsOf({ REDIS_CLUSTER_NODES: 'http://127.0.0.1:7101' })).toContain(
        'REDIS_CLUSTER_NODES must use redis or rediss://',
      );
    });

    it('declares quorum queues by default when RABBITMQ_URL names several nodes, either type when told', () => {
      const nodes = 'amqp://u:p@127.0.0.1:5811,amqp://u:p@127.0.0.1:5812';
      expect(loadConfig({ RABBITMQ_URL: nodes }).rabbitmqQueueType).toBe('quorum');
      expect(loadConfig({ RABBITMQ_URL: nodes, RABBITMQ_QUEUE_TYPE: 'classic' }).rabbitmqQueueType).toBe('classic');
      const single = { RABBITMQ_URL: 'amqp://127.0.0.1', RABBITMQ_QUEUE_TYPE: 'quorum', RABBITMQ_DELIVERY_LIMIT: '5' };
      expect(loadConfig(single)).toMatchObject({ rabbitmqQueueType: 'quorum', rabbitmqDeliveryLimit: 5 });
      expect(problemsOf({ RABBITMQ_QUEUE_TYPE: 'stream' })).toContain(
        'RABBITMQ_QUEUE_TYPE=stream must be one of classic, quorum',
      );
    });

    it('refuses nodes of one cluster that log in as different users, or speak another protocol', () => {
      expect(problemsOf({ RABBITMQ_URL: 'amqp://a:p@127.0.0.1:5811,amqp://b:p@127.0.0.1:5812' })).toContain(
        'RABBITMQ_URL names nodes of one cluster',
      );
      expect(problemsOf({ ELASTICSEARCH_URL: 'http://127.0.0.1:9251,ftp://127.0.0.1:9252' })).toContain(
        'ELASTICSEARCH_URL must use http or https://',
      );
    });

    it('takes Elasticsearch replicas as a number or auto, and shards for a new index', () => {
      const counts = loadConfig({ ELASTICSEARCH_REPLICAS: '2', ELASTICSEARCH_SHARDS: '3' });
      expect(counts).toMatchObject({ elasticsearchReplicas: 2, elasticsearchShards: 3 });
      expect(loadConfig({ ELASTICSEARCH_REPLICAS: 'auto' }).elasticsearchReplicas).toBeNull();
      expect(problemsOf({ ELASTICSEARCH_REPLICAS: 'many' })).toContain('ELASTICSEARCH_REPLICAS=many');
    });
  });

  it('refuses a persistent database without field-encryption and look-up keys', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db' })).toContain(
      'DATA_ENCRYPTION_KEYS and CPF_LOOKUP_KEY are required',
    );
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
      DATA_ENCRYPTION_KEYS: `k1:${key()}`,
      CPF_LOOKUP_KEY: key(),
    });
    expect(config.dataEncryptionKeys?.[0].id).toBe('k1');
    expect(config.cpfLookupKey).toHaveLength(32);
  });

  it('allows AUTH_DISABLED only in the embedded demo', () => {
    expect(loadConfig({ AUTH_DISABLED: 'true' }).authDisabled).toBe(true);
    expect(problemsOf({ AUTH_DISABLED: 'true', REDIS_URL: 'redis://127.0.0.1:6379' })).toContain(
      'AUTH_DISABLED=true is only allowed in the embedded demo',
    );
  });

  describe('demo data only where it cannot hurt', () => {
    const servers = {
      DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
      DATA_ENCRYPTION_KEYS: `k1:${key()}`,
      CPF_LOOKUP_KEY: key(),
    };

    it('loads 1,000 demo consumers by default in the embedded profile, on disk included', () => {
      expect(loadConfig({}).demoConsumers).toBe(1000);
      expect(
        loadConfig({ PGLITE_DATA_DIR: '/tmp/x', DATA_ENCRYPTION_KEYS: `k1:${key()}`, CPF_LOOKUP_KEY: key() })
          .demoConsumers,
      ).toBe(1000);
    });

    it.each([
      ['DATABASE_URL', servers],
      ['MONGODB_URL', { MONGODB_URL: 'mongodb://127.0.0.1:27017/x' }],
      ['ELASTICSEARCH_URL', { ELASTICSEARCH_URL: 'http://127.0.0.1:9200' }],
      ['REDIS_URL', { REDIS_URL: 'redis://127.0.0.1:6379' }],
      ['RABBITMQ_URL', { RABBITMQ_URL: 'amqp://127.0.0.1' }],
    ])('loads none by default once %s is set', (_name, env) => {
      expect(loadConfig(env).demoConsumers).toBe(0);
    });

    it('loads them into real servers only when DEMO_CONSUMERS is set explicitly', () => {
      expect(loadConfig({ ...servers, DEMO_CONSUMERS: '50' }).demoConsumers).toBe(50);
    });

    it('refuses them with NODE_ENV=production, with servers or without, and loads none there by default', () => {
      expect(problemsOf({ ...servers, NODE_ENV: 'production', DEMO_CONSUMERS: '50' })).toContain(
        'DEMO_CONSUMERS=50 is refused with NODE_ENV=production',
      );
      expect(problemsOf({ NODE_ENV: 'production', DEMO_CONSUMERS: '1' })).toContain(
        'DEMO_CONSUMERS=1 is refused with NODE_ENV=production',
      );
      expect(loadConfig({ ...servers, NODE_ENV: 'production' })).toMatchObject({ demoConsumers: 0, production: true });
      expect(loadConfig({ NODE_ENV: 'production', DEMO_CONSUMERS: '0' }).demoConsumers).toBe(0);
    });
  });
});
