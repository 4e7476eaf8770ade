import { CreateAuditLog1764000000100 } from './1764000000100-create-audit-log';
import { AddAuditDetail1764000000300 } from './1764000000300-add-audit-detail';
import { AddAuditIdempotencyKey1764000000400 } from './1764000000400-add-audit-idempotency-key';

/** Listed explicitly so the same migrations run from ts-node, the compiled build and tests alike. */
export const AUDIT_MIGRATIONS = [
  CreateAuditLog1764000000100,
  AddAuditDetail1764000000300,
  AddAuditIdempotencyKey1764000000400,
];
