import { CreateAuditLog1764000000100 } from './1764000000100-create-audit-log';

/** Listed explicitly so the same migrations run from ts-node, the compiled build and tests alike. */
export const AUDIT_MIGRATIONS = [CreateAuditLog1764000000100];
