/** Both MongoDB and FerretDB report a unique-index violation as code 11000, whichever driver error class wraps it. */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
