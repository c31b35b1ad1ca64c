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
  demo: number | null;
  device: string | null;
  dtype: string | null;
  threads: number | null;
  skipped_models_json: string | null;
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
  demo: r.demo === null ? null : r.demo !== 0,
  device: r.device,
  dtype: r.dtype,
  threads: r.threads,
  skippedModels: r.skipped_models_json === null ? null : (JSON.parse(r.skipped_models_json) as string[]),
});

const provenance = (run: Partial<RunRow>) => ({
  demo: run.demo === undefined || run.demo === null ? null : run.demo ? 1 : 0,
  device: run.device ?? null,
  dtype: run.dtype ?? null,
  threads: run.threads ?? null,
  skippedModelsJson: run.skippedModels ? JSON.stringify(run.skippedModels) : null,
});

export class RunsTable {
  constructor(private readonly db: Database.Database) {}

  insert(run: RunRow): void {
    this.db
      .prepare(
        `INSERT INTO runs (id, config_json, identity, shard, git_revision, host, device_json, libtorch_version, started_at, ended_at, status,
           demo, device, dtype, threads, skipped_models_json)
         VALUES (@id, @configJson, @identity, @shard, @gitRevision, @host, @deviceJson, @libtorchVersion, @startedAt, @endedAt, @status,
           @demo, @device, @dtype, @threads, @skippedModelsJson)`,
      )
      .run({ ...run, ...provenance(run) });
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

  /** The newest completed run measuring the same thing: what a plain rerun reports instead of repeating. */
  latestCompleted(identity: string, shard: string | null): RunRow | undefined {
    const row = this.db
      .prepare(`SELECT * FROM runs WHERE identity = ? AND shard IS ? AND status = 'completed' ORDER BY started_at DESC, id DESC LIMIT 1`)
      .get(identity, shard) as RunSqlRow | undefined;
    return row && toRun(row);
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
  reopen(
    id: string,
    update: Pick<RunRow, 'gitRevision' | 'host' | 'deviceJson' | 'libtorchVersion'> &
      Partial<Pick<RunRow, 'demo' | 'device' | 'dtype' | 'threads' | 'skippedModels'>>,
  ): void {
    this.db
      .prepare(
        `UPDATE runs SET status = 'running', ended_at = NULL, git_revision = @gitRevision, host = @host,
         device_json = @deviceJson, libtorch_version = @libtorchVersion, demo = COALESCE(@demo, demo),
         device = COALESCE(@device, device), dtype = COALESCE(@dtype, dtype), threads = COALESCE(@threads, threads),
         skipped_models_json = COALESCE(@skippedModelsJson, skipped_models_json) WHERE id = @id`,
      )
      .run({ id, gitRevision: update.gitRevision, host: update.host, deviceJson: update.deviceJson,
        libtorchVersion: update.libtorchVersion, ...provenance(update) });
  }

  finish(id: string, status: RunStatus, endedAt: string): void {
    this.db.prepare('UPDATE runs SET status = ?, ended_at = ? WHERE id = ?').run(status, endedAt, id);
  }

  recordModelLoad(record: ModelLoadRecord): void {
    this.db
      .prepare(
        `INSERT INTO run_models (run_id, role, model, repo, revision, model_dir, status, error_code, error_message, load_ms, updated_at,
           source, fingerprint)
         VALUES (@runId, @role, @model, @repo, @revision, @modelDir, @status, @errorCode, @errorMessage, @loadMs, @updatedAt,
           @source, @fingerprint)
         ON CONFLICT (run_id, role, model) DO UPDATE SET repo = excluded.repo, revision = excluded.revision,
           model_dir = excluded.model_dir, status = excluded.status, error_code = excluded.error_code,
           error_message = excluded.error_message, load_ms = excluded.load_ms, updated_at = excluded.updated_at,
           source = excluded.source, fingerprint = excluded.fingerprint`,
      )
      .run({ ...record, source: record.source ?? null, fingerprint: record.fingerprint ?? null, updatedAt: new Date().toISOString() });
  }

  modelLoads(runId: string): ModelLoadRecord[] {
    return this.db
      .prepare(
        `SELECT run_id AS runId, role, model, repo, revision, model_dir AS modelDir, status, error_code AS errorCode,
         error_message AS errorMessage, load_ms AS loadMs, source, fingerprint FROM run_models WHERE run_id = ? ORDER BY role, model`,
      )
      .all(runId) as ModelLoadRecord[];
  }
}
