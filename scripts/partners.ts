import { PARTNER_COMMANDS, PARTNER_EVENTS, receiptsQueue } from '@app/contracts';
import { PartnerIdentities, managementTarget } from './partner-identities';

const USAGE = `usage:
  npm run partner -- create <name> [--commands ${PARTNER_COMMANDS.join(',')}] [--events ${PARTNER_EVENTS.join(',')}]
  npm run partner -- list
  npm run partner -- revoke <name>
A partner is a RabbitMQ user of RABBITMQ_URL's virtual host, created through the management API
(RABBITMQ_MANAGEMENT_URL, or RABBITMQ_URL's host on RABBITMQ_MANAGEMENT_PORT, 15672) by an administrator.
--commands defaults to every partner command; --events to none (rating changes carry CPFs: grant them on purpose).`;

function option(args: string[], name: string): string[] | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? '').split(',').filter(Boolean) : undefined;
}

async function main(args: string[]): Promise<void> {
  const [command, name] = args;
  if (!['create', 'list', 'revoke'].includes(command ?? '') || (command !== 'list' && !name)) {
    console.error(USAGE);
    process.exit(2);
  }
  const partners = new PartnerIdentities(managementTarget());
  if (command === 'create') {
    const grant = { commands: option(args, 'commands') ?? [...PARTNER_COMMANDS], events: option(args, 'events') ?? [] };
    const { password, permissions } = await partners.create(name!, grant);
    const commands = grant.commands.join(', ') || 'nothing';
    console.log(
      `created partner "${name}": may publish ${commands}; may hear ${grant.events.join(', ') || 'no events'}`,
    );
    console.log(`  queues: ${permissions.configure}…  receipts: ${receiptsQueue(name!)}`);
    console.log(`\n  password: ${password}\n`);
    console.log(`This is the only time the password is shown. Publish with user_id "${name}".`);
  } else if (command === 'revoke') {
    const { closed, queuesLeft } = await partners.revoke(name!);
    console.log(`revoked "${name}": user deleted, ${closed} connection(s) closed`);
    if (queuesLeft.length) console.log(`queues kept with their messages (delete once read): ${queuesLeft.join(', ')}`);
  } else {
    const list = await partners.list();
    if (list.length === 0) console.log('no partner identities');
    for (const p of list) {
      const receipts = p.receiptsWaiting ?? 'queue missing';
      console.log(
        `${p.name}  commands [${p.commands.join(', ')}]  events [${p.events.join(', ')}]` +
          `  receipts waiting ${receipts}  connections ${p.connections}`,
      );
    }
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
