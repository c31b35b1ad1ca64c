import type Database from 'better-sqlite3';
import { StoreError } from './store-error.js';

/**
 * Schema changes, in order; entry i brings a database from version i to i+1. Append only:
 * a released migration is never edited, since existing databases already ran it.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id               TEXT PRIMARY KEY,
    config_json      TEXT NOT NULL,
    -- sha256 of what the run measures (models, settings, prompts, seeds): resume and merge match on it
    identity         TEXT NOT NULL,
    shard            TEXT,
    git_revision     TEXT,
    host             TEXT,
    device_json      TEXT,
    libtorch_version TEXT,
    started_at       TEXT NOT NULL,
    ended_at         TEXT,
    status           TEXT NOT NULL CHECK (status IN ('running', 'completed', 'incomplete', 'interrupted', 'failed'))
  );

  CREATE TABLE run_models (
    run_id        TEXT NOT NULL REFERENCES runs(id),
    role          TEXT NOT NULL CHECK (role IN ('generation', 'scoring')),
    model         TEXT NOT NULL,
    repo          TEXT,
    revision      TEXT,
    model_dir     TEXT,
    status        TEXT NOT NULL CHECK (status IN ('loaded', 'load-failed')),
    error_code    TEXT,
    error_message TEXT,
    load_ms       REAL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (run_id, role, model)
  );

  CREATE TABLE images (
    id                INTEGER PRIMARY KEY,
    run_id            TEXT NOT NULL REFERENCES runs(id),
    model             TEXT NOT NULL,
    prompt_id         TEXT NOT NULL,
    seed_index        INTEGER NOT NULL,
    seed              INTEGER NOT NULL,
    prompt            TEXT NOT NULL,
    -- NULL: no negative prompt at all; '': an empty one (they differ for SDXL)
    negative_prompt   TEXT,
    steps             INTEGER NOT NULL,
    guidance          REAL NOT NULL,
    width             INTEGER NOT NULL,
    height            INTEGER NOT NULL,
    scheduler         TEXT NOT NULL,
    file_path         TEXT,
    timings_json      TEXT,
    latency_ms        REAL,
    lease_wait_ms     REAL,
    peak_memory_bytes INTEGER,
    status            TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'preempted', 'interrupted')),
    error_code        TEXT,
    error_message     TEXT,
    attempts          INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (run_id, model, prompt_id, seed_index)
  );

  CREATE TABLE scores (
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    metric   TEXT NOT NULL,
    value    REAL NOT NULL,
    PRIMARY KEY (image_id, metric)
  );

  CREATE TABLE lease_events (
    id          TEXT PRIMARY KEY,
    run_id      TEXT NOT NULL REFERENCES runs(id),
    ts          TEXT NOT NULL,
    type        TEXT NOT NULL,
    owner       TEXT NOT NULL,
    lease_id    TEXT,
    pid         INTEGER,
    host        TEXT,
    label       TEXT,
    waited_ms   REAL,
    held_ms     REAL,
    detail_json TEXT
  );
  CREATE INDEX lease_events_ts ON lease_events (run_id, ts);
  `,
  // Provenance: where every number came from (a demo or real run, the device and precision, the
  // threads, which models a --skip-missing run left out, where each model's files came from).
  `
  ALTER TABLE runs ADD COLUMN demo INTEGER;
  ALTER TABLE runs ADD COLUMN device TEXT;
  ALTER TABLE runs ADD COLUMN dtype TEXT;
  ALTER TABLE runs ADD COLUMN threads INTEGER;
  ALTER TABLE runs ADD COLUMN skipped_models_json TEXT;
  -- 'registry' (Hub repo + revision), 'local' (a folder: model_dir + fingerprint), 'demo', 'url'
  ALTER TABLE run_models ADD COLUMN source TEXT;
  -- sha256 over the configs and safetensors headers of a local folder, or of a single weight file
  ALTER TABLE run_models ADD COLUMN fingerprint TEXT;
  ALTER TABLE images ADD COLUMN category TEXT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function currentVersion(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as { version: number | null };
  return row.version ?? 0;
}

/** Brings the database up to SCHEMA_VERSION, one transaction per step. */
export function migrate(db: Database.Database, file: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)');
  const from = currentVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new StoreError('ERR_SCHEMA', `database ${file} has schema version ${from}, newer than this ppbench understands (${SCHEMA_VERSION})`);
  }
  for (let v = from; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(v + 1, new Date().toISOString());
    })();
  }
}
