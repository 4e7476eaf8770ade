import { AuditVerification } from '../libs/credit/src/application/ports/audit-log';
import { loadConfig } from '@app/platform';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AuditLogRow } from '../libs/credit/src/infrastructure/audit/audit-log.typeorm-entity';
import { TypeormAuditLog } from '../libs/credit/src/infrastructure/audit/typeorm-audit-log';

/** Verification recomputes hashes from the stored fields (cpf_hash included), so it never needs the CPF look-up key. */
const noCpfHasher = (): string => {
  throw new Error('audit:verify never hashes a CPF');
};

export interface AuditChainReport {
  verification: AuditVerification;
  message: string;
  /** 0 when the chain is intact, 1 when it is broken. */
  exitCode: 0 | 1;
}

/** The core of `npm run audit:verify`: walks the whole chain in `dataSource` and says whether it is intact. */
export async function verifyAuditChain(dataSource: DataSource): Promise<AuditChainReport> {
  const verification = await new TypeormAuditLog(dataSource, noCpfHasher).verify();
  return verification.ok
    ? { verification, exitCode: 0, message: `audit chain OK: ${verification.checked} entries` }
    : { verification, exitCode: 1, message: `audit chain BROKEN at seq ${verification.brokenAt}: ${verification.reason}` };
}

/**
 * `npm run audit:verify`: checks the audit chain in PostgreSQL. Exit 0 intact, 1 broken (tampering or loss),
 * 2 nothing to verify (no DATABASE_URL) or the check could not run.
 */
async function main(): Promise<number> {
  const { databaseUrl } = loadConfig();
  if (!databaseUrl) {
    console.error('DATABASE_URL is not set: the embedded PGlite database lives inside the API process, so there is no audit chain another process could verify');
    return 2;
  }
  const dataSource = await new DataSource({ type: 'postgres', url: databaseUrl, entities: [AuditLogRow], synchronize: false }).initialize();
  try {
    const [{ exists }] = await dataSource.query(`SELECT to_regclass('audit_log') IS NOT NULL AS exists`);
    if (!exists) {
      console.error('table audit_log does not exist: run `npm run db:migrate` first');
      return 2;
    }
    const report = await verifyAuditChain(dataSource);
    (report.exitCode === 0 ? console.log : console.error)(report.message);
    return report.exitCode;
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error((error as Error).message);
      process.exit(2);
    },
  );
}
