/**
 * True for failures that say the database is unreachable, slow or briefly refusing work, as
 * opposed to a bug in our SQL. These become 503 + Retry-After: Ethoca delivers again later and
 * nothing was acknowledged.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // SQLSTATE classes: 08 connection exception, 53 insufficient resources, 57 operator
    // intervention (57014 is a statement timeout), 40 transaction rollback (deadlock, serialization).
    if (/^(08|53|57|40)/.test(code)) return true;
    if (
      [
        'ECONNREFUSED',
        'ECONNRESET',
        'ETIMEDOUT',
        'EPIPE',
        'EHOSTUNREACH',
        'ENOTFOUND',
        'EAI_AGAIN',
      ].includes(code)
    ) {
      return true;
    }
  }
  // node-postgres reports its own client-side timeouts and lost connections without a code.
  return /timeout exceeded when trying to connect|Connection terminated|Query read timeout|connection timeout|Client has encountered a connection error/i.test(
    error.message,
  );
}
