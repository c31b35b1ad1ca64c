import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { currentVersion, migrate, SCHEMA_VERSION } from './migrations.js';
import { StoreError, withDatabaseFile } from './store-error.js';

/**
 * WAL so `ppbench export` can read while a run writes; synchronous=NORMAL because in WAL mode
 * that still never corrupts the database, and a commit per image must stay cheap.
 */
export function openDatabase(file: string): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (err) {
    throw withDatabaseFile(err, file);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, file);
  } catch (err) {
    db.close();
    throw withDatabaseFile(err, file);
  }
  return db;
}

/** For merge inputs: never written, and refused when their schema is not this version's. */
export function openDatabaseReadOnly(file: string): Database.Database {
  let db: Database.Database;
  let version: number;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw withDatabaseFile(err, file);
  }
  try {
    version = hasSchemaTable(db) ? currentVersion(db) : 0;
  } catch (err) {
    db.close();
    throw withDatabaseFile(err, file);
  }
  if (version !== SCHEMA_VERSION) {
    db.close();
    throw new StoreError('ERR_SCHEMA', `database ${file} has schema version ${version}; expected ${SCHEMA_VERSION} (open it once with this ppbench to migrate)`);
  }
  return db;
}

function hasSchemaTable(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get() !== undefined;
}
