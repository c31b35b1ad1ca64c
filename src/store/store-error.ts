import { CodedError } from '../errors/coded-error.js';

/** Errors about result databases: a schema from another version, an impossible merge. */
export type StoreErrorCode = 'ERR_SCHEMA' | 'ERR_MERGE' | 'ERR_NO_DATABASE' | 'ERR_SQLITE';

export class StoreError extends CodedError<StoreErrorCode> {
  override readonly name = 'StoreError';
}

/** A SQLite error (SQLITE_NOTADB, SQLITE_CORRUPT, SQLITE_CANTOPEN…) with the database file it concerns. */
export function withDatabaseFile(err: unknown, file: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return err;
  return new StoreError('ERR_SQLITE', `${file}: ${(err as Error).message} (${code})`, { cause: err });
}
