import { AuditVerification } from '@app/credit-application';
import { loadConfig } from '@app/platform';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import {
  AuditLogRow,
  AuditAnchor,
  anchorToken,
  parseAnchor,
  GENESIS_HASH,
  TypeormAuditLog,
} from '@app/adapters/postgres';

/** Verification recomputes hashes from the stored fields (cpf_hash included), so it never needs the CPF look-up key. */
const noCpfHasher = (): string => {
  throw new Error('audit:verify never hashes a CPF');
};

interface AuditChainReport {
  verification: AuditVerification;
  message: string;
  /** 0 when the chain is intact and matches every anchor, 1 when it is broken or does not. */
  exitCode: 0 | 1;
  /**
   * The chain's last entry as an anchor token (`seq:hash`) when it is intact; `0:<genesis hash>` for an empty chain.
   */
  head: string | null;
}

/** The core of `npm run audit:verify`: walks the whole chain in `dataSource`, then checks it against each anchor. */
export async function verifyAuditChain(
  dataSource: DataSource,
  anchors: readonly AuditAnchor[] = [],
): Promise<AuditChainReport> {
  const log = new TypeormAuditLog(dataSource, noCpfHasher);
  const verification = await log.verify();
  if (!verification.ok) {
    return {
      verification,
      exitCode: 1,
      head: null,
      message: `audit chain BROKEN at seq ${verification.brokenAt}: ${verification.reason}`,
    };
  }
  const head = anchorToken((await log.head()) ?? { seq: 0, hash: GENESIS_HASH });
  for (const anchor of [...anchors].sort((a, b) => a.seq - b.seq)) {
    const broken = (reason: string): AuditChainReport => ({
      verification,
      exitCode: 1,
      head,
      message: `audit chain BROKEN against anchor ${anchor.seq}: ${reason}`,
    });
    if (anchor.seq > verification.checked)
      return broken(`the chain ends at entry ${verification.checked}: entries were deleted from its end`);
    const [row] = (await dataSource.query('SELECT hash FROM audit_log WHERE seq = $1', [anchor.seq])) as {
      hash: string;
    }[];
    const stored = row?.hash ?? (anchor.seq === 0 ? GENESIS_HASH : undefined);
    if (stored !== anchor.hash)
      return broken(`entry ${anchor.seq} no longer has the anchored hash: the chain was rewritten at or before it`);
  }
  const checkedAnchors = anchors.length ? `, matching ${anchors.length} anchor${anchors.length > 1 ? 's' : ''}` : '';
  return {
    verification,
    exitCode: 0,
    head,
    message: `audit chain OK: ${verification.checked} entries${checkedAnchors}; head ${head}`,
  };
}

/**
 * `npm run audit:verify [-- --anchor <seq>:<hash> ...]`: checks the audit chain in PostgreSQL, and that it still holds
 * each anchor given. It prints the chain's head as an anchor token: keep that outside the database (a ticket, a log
 * archive, a regulator's copy) and pass it back later. Exit 0 intact, 1 broken (tampering or loss), 2 nothing to
 * verify (no DATABASE_URL), a malformed anchor, or the check could not run.
 */
async function main(argv: string[]): Promise<number> {
  const anchors: AuditAnchor[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--anchor' && argv[i + 1] !== undefined) anchors.push(parseAnchor(argv[++i]!));
    else throw new Error(`unexpected argument ${argv[i]}; usage: npm run audit:verify [-- --anchor <seq>:<hash> ...]`);
  }
  const { databaseUrl } = loadConfig();
  if (!databaseUrl) {
    console.error(
      'DATABASE_URL is not set: the embedded PGlite database lives inside the API process, so there is no audit chain another process could verify',
    );
    return 2;
  }
  const dataSource = await new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities: [AuditLogRow],
    synchronize: false,
  }).initialize();
  try {
    const [{ exists }] = await dataSource.query(`SELECT to_regclass('audit_log') IS NOT NULL AS exists`);
    if (!exists) {
      console.error('table audit_log does not exist: run `npm run db:migrate` first');
      return 2;
    }
    const report = await verifyAuditChain(dataSource, anchors);
    (report.exitCode === 0 ? console.log : console.error)(report.message);
    return report.exitCode;
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error((error as Error).message);
      process.exit(2);
    },
  );
}
