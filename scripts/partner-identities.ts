import {
  EXCHANGES,
  PARTNER_COMMANDS,
  PARTNER_EVENTS,
  PARTNER_NAME_PATTERN,
  RECEIPTS_QUEUE_ARGUMENTS,
  partnerQueuePrefix,
  receiptsQueue,
} from '@app/contracts';
import { randomBytes } from 'node:crypto';

/** The tag that marks a broker user as a partner's, so `list` and `revoke` never touch the platform's own users. */
const PARTNER_TAG = 'credit-partner';

interface PartnerGrant {
  /** Routing keys of the commands exchange the partner may publish. */
  commands: string[];
  /** Routing keys of the events exchange the partner may bind its own queues to. */
  events: string[];
}

interface BrokerPermissions {
  configure: string;
  write: string;
  read: string;
  topics: { exchange: string; write: string; read: string }[];
}

const escape = (literal: string) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyOf = (literals: readonly string[]) => `^(${literals.map(escape).join('|')})$`;
/** Matches no routing key a client can use (the empty key): a topic permission that grants nothing. */
const NOTHING = '^$';

/**
 * Least privilege, in RabbitMQ's terms (docs/architecture.md, "Partner identities"): configure its `partner.<name>.`
 * queues; write those and the commands exchange, never the default one; read its queues and, if granted, the events
 * exchange. Topic permissions narrow both exchanges to the routing keys granted.
 */
function partnerPermissions(partner: string, grant: PartnerGrant): BrokerPermissions {
  const own = `${escape(partnerQueuePrefix(partner))}.*`;
  return {
    configure: `^${escape(partnerQueuePrefix(partner))}`,
    write: `^(${own}|${escape(EXCHANGES.commands)})$`,
    read: grant.events.length ? `^(${own}|${escape(EXCHANGES.events)})$` : `^${own}$`,
    topics: [
      { exchange: EXCHANGES.commands, write: grant.commands.length ? anyOf(grant.commands) : NOTHING, read: NOTHING },
      ...(grant.events.length ? [{ exchange: EXCHANGES.events, write: NOTHING, read: anyOf(grant.events) }] : []),
    ],
  };
}

/** The grant a topic permission's pattern encodes, read back for `list`. */
function keysOf(pattern: string | undefined): string[] {
  const m = /^\^\((.*)\)\$$/.exec(pattern ?? '');
  return m ? m[1]!.split('|').map((k) => k.replace(/\\(.)/g, '$1')) : [];
}

function checkGrant(partner: string, grant: PartnerGrant): void {
  if (!PARTNER_NAME_PATTERN.test(partner)) {
    throw new Error(`partner name "${partner}" must be 2-40 lower-case letters, digits or hyphens (no dots)`);
  }
  const unknown = [
    ...grant.commands.filter((c) => !PARTNER_COMMANDS.includes(c)),
    ...grant.events.filter((e) => !PARTNER_EVENTS.includes(e)),
  ];
  if (unknown.length) {
    throw new Error(
      `not grantable to a partner: ${unknown.join(', ')} (commands: ${PARTNER_COMMANDS.join(', ')};` +
        ` events: ${PARTNER_EVENTS.join(', ')})`,
    );
  }
}

interface ManagementTarget {
  /** http(s)://host:port of the management API, without a path. */
  api: string;
  /** The operator's (administrator) user and password. */
  user: string;
  password: string;
  vhost: string;
}

/**
 * Where the management API is: RABBITMQ_MANAGEMENT_URL (with the operator's user and password in it), or the host and
 * credentials of RABBITMQ_URL on RABBITMQ_MANAGEMENT_PORT (15672). The virtual host is RABBITMQ_URL's.
 */
export function managementTarget(env: NodeJS.ProcessEnv = process.env): ManagementTarget {
  const amqpUrl = env.RABBITMQ_URL;
  if (!amqpUrl) throw new Error('set RABBITMQ_URL (the broker partners connect to; its user must be an administrator)');
  const amqp = new URL(amqpUrl);
  const vhost = decodeURIComponent(amqp.pathname.replace(/^\//, '')) || '/';
  const management = env.RABBITMQ_MANAGEMENT_URL ? new URL(env.RABBITMQ_MANAGEMENT_URL) : null;
  const port = env.RABBITMQ_MANAGEMENT_PORT ?? '15672';
  const credentials = management?.username ? management : amqp;
  return {
    api: management ? `${management.protocol}//${management.host}` : `http://${amqp.hostname}:${port}`,
    user: decodeURIComponent(credentials.username) || 'guest',
    password: decodeURIComponent(credentials.password) || 'guest',
    vhost,
  };
}

interface PartnerSummary {
  name: string;
  commands: string[];
  events: string[];
  receiptsWaiting: number | null;
  connections: number;
}

/** The partner identities of one virtual host, through RabbitMQ's management API. */
export class PartnerIdentities {
  constructor(private readonly target: ManagementTarget) {}

  /** Creates the user, its permissions and its receipts queue; answers the password, shown once and never stored. */
  async create(partner: string, grant: PartnerGrant): Promise<{ password: string; permissions: BrokerPermissions }> {
    checkGrant(partner, grant);
    if ((await this.request('GET', `/users/${enc(partner)}`, undefined, [404])) !== null) {
      throw new Error(`a broker user "${partner}" exists already; revoke it first, or choose another name`);
    }
    const password = randomBytes(24).toString('base64url');
    const permissions = partnerPermissions(partner, grant);
    await this.request('PUT', `/users/${enc(partner)}`, { password, tags: PARTNER_TAG });
    const { topics, ...queues } = permissions;
    await this.request('PUT', `/permissions/${this.vhost}/${enc(partner)}`, queues);
    for (const t of topics) await this.request('PUT', `/topic-permissions/${this.vhost}/${enc(partner)}`, t);
    await this.request('PUT', `/queues/${this.vhost}/${enc(receiptsQueue(partner))}`, {
      durable: true,
      auto_delete: false,
      arguments: RECEIPTS_QUEUE_ARGUMENTS,
    });
    return { password, permissions };
  }

  async list(): Promise<PartnerSummary[]> {
    const users = (await this.request('GET', '/users')) as { name: string; tags: string[] | string }[];
    const partners = users.filter((u) => (Array.isArray(u.tags) ? u.tags : u.tags.split(',')).includes(PARTNER_TAG));
    const connections = (await this.request('GET', '/connections')) as { user: string; vhost: string }[];
    return Promise.all(
      partners.map(async ({ name }) => {
        type TopicPermission = { vhost: string; exchange: string; write: string; read: string };
        const topics = (
          (await this.request('GET', `/users/${enc(name)}/topic-permissions`)) as TopicPermission[]
        ).filter((t) => t.vhost === this.target.vhost);
        const path = `/queues/${this.vhost}/${enc(receiptsQueue(name))}`;
        const queue = (await this.request('GET', path, undefined, [404])) as { messages?: number } | null;
        return {
          name,
          commands: keysOf(topics.find((t) => t.exchange === EXCHANGES.commands)?.write),
          events: keysOf(topics.find((t) => t.exchange === EXCHANGES.events)?.read),
          // A queue just created has no statistics yet: none waiting.
          receiptsWaiting: queue ? (queue.messages ?? 0) : null,
          connections: connections.filter((c) => c.user === name && c.vhost === this.target.vhost).length,
        };
      }),
    );
  }

  /**
   * Deletes the user (its permissions go with it) and closes its open connections, so it can do nothing more. Its
   * queues are kept, with what they hold, and named in the answer for an operator to delete once read.
   */
  async revoke(partner: string): Promise<{ closed: number; queuesLeft: string[] }> {
    const user = (await this.request('GET', `/users/${enc(partner)}`, undefined, [404])) as {
      tags: string[] | string;
    } | null;
    if (!user) throw new Error(`no broker user "${partner}"`);
    const tags = Array.isArray(user.tags) ? user.tags : user.tags.split(',');
    if (!tags.includes(PARTNER_TAG)) {
      throw new Error(`"${partner}" is not a partner identity (no ${PARTNER_TAG} tag); not revoked`);
    }
    await this.request('DELETE', `/users/${enc(partner)}`);
    const connections = (await this.request('GET', '/connections')) as { name: string; user: string }[];
    const own = connections.filter((c) => c.user === partner);
    for (const c of own) await this.request('DELETE', `/connections/${enc(c.name)}`, undefined, [404]);
    const queues = (await this.request('GET', `/queues/${this.vhost}`)) as { name: string }[];
    const queuesLeft = queues.map((q) => q.name).filter((n) => n.startsWith(partnerQueuePrefix(partner)));
    return { closed: own.length, queuesLeft };
  }

  private get vhost(): string {
    return enc(this.target.vhost);
  }

  /** One call of the management API; a status in `tolerated` answers null instead of failing. */
  private async request(method: string, path: string, body?: unknown, tolerated: number[] = []): Promise<unknown> {
    const auth = Buffer.from(`${this.target.user}:${this.target.password}`).toString('base64');
    const res = await fetch(`${this.target.api}/api${path}`, {
      method,
      headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (tolerated.includes(res.status)) return null;
    if (!res.ok) throw new Error(`RabbitMQ management ${method} ${path}: ${res.status} ${await res.text()}`);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }
}

const enc = encodeURIComponent;
