import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { currentVersion, SCHEMA_VERSION } from '../store/migrations.js';
import { StoreError } from '../store/store-error.js';
import { ReportError } from './report-error.js';

/**
 * Opens a results database for reading only: a report never migrates or writes. A newer schema
 * is refused (ERR_SCHEMA), as is a file that is not a SQLite database (ERR_REPORT_UNREADABLE).
 * An older schema is read as it is: every column added since is nullable.
 */
export function openResultsReadOnly(file: string): Database.Database {
  if (!existsSync(file)) throw new ReportError('ERR_REPORT_NO_DATABASE', `no results database at ${file}`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new ReportError('ERR_REPORT_UNREADABLE', `cannot open ${file}: ${(err as Error).message}`, { cause: err });
  }
  let version: number;
  try {
    const hasVersion = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get() !== undefined;
    version = hasVersion ? currentVersion(db) : 0;
  } catch (err) {
    db.close();
    throw new ReportError('ERR_REPORT_UNREADABLE', `${file} is not a readable results database: ${(err as Error).message}`, { cause: err });
  }
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new StoreError('ERR_SCHEMA', `database ${file} has schema version ${version}, newer than this ppbench understands (${SCHEMA_VERSION})`);
  }
  if (version < SCHEMA_VERSION) {
    db.close();
    throw new StoreError('ERR_SCHEMA', `database ${file} has schema version ${version}; expected ${SCHEMA_VERSION} (open it once with this ppbench, e.g. \`ppbench export\`, to migrate)`);
  }
  return db;
}
