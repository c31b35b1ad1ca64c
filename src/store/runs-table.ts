import type Database from 'better-sqlite3';
import type { ModelLoadRecord, RunRow, RunStatus } from './rows.js';

interface RunSqlRow {
  id: string;
  config_json: string;
  identity: string;
  shard: string | null;
  git_revision: string | null;
  host: string | null;
  device_json: string | null;
  libtorch_version: string | null;
  started_at: string;
  ended_at: string | null;
  status: RunStatus;
}

const toRun = (r: RunSqlRow): RunRow => ({
  id: r.id,
  configJson: r.config_json,
  identity: r.identity,
  shard: r.shard,
  gitRevision: r.git_revision,
  host: r.host,
  deviceJson: r.device_json,
  libtorchVersion: r.libtorch_version,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  status: r.status,
});

export class RunsTable {
  constructor(private readonly db: Database.Database) {}

  insert(run: RunRow): void {
    this.db
      .prepare(
        `INSERT INTO runs (id, config_json, identity, shard, git_revision, host, device_json, libtorch_version, started_at, ended_at, status)
         VALUES (@id, @configJson, @identity, @shard, @gitRevision, @host, @deviceJson, @libtorchVersion, @startedAt, @endedAt, @status)`,
      )
      .run(run);
  }

  get(id: string): RunRow | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunSqlRow | undefined;
    return row && toRun(row);
  }

  /** Newest first. */
  list(): RunRow[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY started_at DESC, id DESC').all() as RunSqlRow[]).map(toRun);
  }

  latest(): RunRow | undefined {
    return this.list()[0];
  }

  /** The newest run measuring the same thing that did not finish: what a plain rerun resumes. */
  latestUnfinished(identity: string, shard: string | null): RunRow | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM runs WHERE identity = ? AND shard IS ? AND status <> 'completed'
         ORDER BY started_at DESC, id DESC LIMIT 1`,
      )
      .get(identity, shard) as RunSqlRow | undefined;
    return row && toRun(row);
  }

  /** A resumed run is running again, with the machine it now runs on. */
  reopen(id: string, update: Pick<RunRow, 'gitRevision' | 'host' | 'deviceJson' | 'libtorchVersion'>): void {
    this.db
      .prepare(
        `UPDATE runs SET status = 'running', ended_at = NULL, git_revision = @gitRevision, host = @host,
         device_json = @deviceJson, libtorch_version = @libtorchVersion WHERE id = @id`,
      )
      .run({ id, ...update });
  }

  finish(id: string, status: RunStatus, endedAt: string): void {
    this.db.prepare('UPDATE runs SET status = ?, ended_at = ? WHERE id = ?').run(status, endedAt, id);
  }

  recordModelLoad(record: ModelLoadRecord): void {
    this.db
      .prepare(
        `INSERT INTO run_models (run_id, role, model, repo, revision, model_dir, status, error_code, error_message, load_ms, updated_at)
         VALUES (@runId, @role, @model, @repo, @revision, @modelDir, @status, @errorCode, @errorMessage, @loadMs, @updatedAt)
         ON CONFLICT (run_id, role, model) DO UPDATE SET repo = excluded.repo, revision = excluded.revision,
           model_dir = excluded.model_dir, status = excluded.status, error_code = excluded.error_code,
           error_message = excluded.error_message, load_ms = excluded.load_ms, updated_at = excluded.updated_at`,
      )
      .run({ ...record, updatedAt: new Date().toISOString() });
  }

  modelLoads(runId: string): ModelLoadRecord[] {
    return this.db
      .prepare(
        `SELECT run_id AS runId, role, model, repo, revision, model_dir AS modelDir, status, error_code AS errorCode,
         error_message AS errorMessage, load_ms AS loadMs FROM run_models WHERE run_id = ? ORDER BY role, model`,
      )
      .all(runId) as ModelLoadRecord[];
  }
}
