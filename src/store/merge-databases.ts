import path from 'node:path';
import type Database from 'better-sqlite3';
import { StoreError } from './store-error.js';
import { toImageRow } from './images-table.js';
import { LeaseEventsTable } from './lease-events-table.js';
import { openDatabaseReadOnly } from './open-database.js';
import { ResultStore } from './result-store.js';
import type { ImageRow, ImageStatus, ModelLoadRecord, RunRow, RunStatus } from './rows.js';
import { RunsTable } from './runs-table.js';

export interface MergeOptions {
  /** Which run to take from inputs holding several. */
  run?: string;
  /** The merged run's id; default: the inputs' common id, else the earliest input run's. */
  runId?: string;
  /** Inputs of different runs (other identities) are kept as separate runs, each under its own id. */
  allowDifferentRuns?: boolean;
}

export interface MergeResult {
  runId: string;
  /** Every run the output now holds from this merge (more than one only with allowDifferentRuns). */
  runIds: string[];
  inputs: number;
  images: number;
  replaced: number;
}

/** When two inputs hold the same image, the more final attempt wins; ties keep what is there. */
const RANK: Record<ImageStatus, number> = { ok: 3, failed: 2, preempted: 1, interrupted: 1 };

interface Input {
  file: string;
  db: Database.Database;
  run: RunRow;
}

/**
 * Combines shard databases (or any databases holding runs of the same identity) into one run
 * in `out`: one row per (model, prompt, seed index) however often it appears, with its scores
 * and the inputs' lease events. Inputs are opened read-only; `out` may already hold the run
 * (merging again adds only what is new).
 */
export function mergeDatabases(files: readonly string[], out: string, options: MergeOptions = {}): MergeResult {
  if (files.length === 0) throw new StoreError('ERR_MERGE', 'merge: no input databases given');
  const outPath = path.resolve(out);
  const clash = files.find((f) => path.resolve(f) === outPath);
  if (clash) throw new StoreError('ERR_MERGE', `merge: --out ${out} is also an input; write the merge to a new file`);
  const inputs: Input[] = [];
  try {
    for (const file of files) {
      const db = openDatabaseReadOnly(file);
      inputs.push({ file, db, run: pickRun(file, new RunsTable(db), options.run) });
    }
    const identity = inputs[0]!.run.identity;
    const odd = inputs.find((i) => i.run.identity !== identity);
    if (odd && !options.allowDifferentRuns) {
      throw new StoreError(
        'ERR_MERGE',
        `merge: run ${odd.run.id} in ${odd.file} measured something else than run ${inputs[0]!.run.id} in ${inputs[0]!.file} (different models, settings, prompts or seeds); ` +
          'merge takes the shards of one run — add --allow-different-runs to keep each run under its own id',
      );
    }
    const store = ResultStore.open(outPath);
    try {
      if (options.allowDifferentRuns) return store.db.transaction(() => mergeEachRun(store, inputs))();
      return store.db.transaction(() => mergeInto(store, inputs, options.runId))();
    } finally {
      store.close();
    }
  } finally {
    for (const input of inputs) input.db.close();
  }
}

function pickRun(file: string, runs: RunsTable, wanted: string | undefined): RunRow {
  const all = runs.list();
  if (wanted !== undefined) {
    const run = all.find((r) => r.id === wanted);
    if (!run) throw new StoreError('ERR_MERGE', `merge: ${file} has no run ${wanted} (it has: ${all.map((r) => r.id).join(', ') || 'none'})`);
    return run;
  }
  if (all.length !== 1) {
    throw new StoreError(
      'ERR_MERGE',
      `merge: ${file} holds ${all.length === 0 ? 'no runs' : `${all.length} runs (${all.map((r) => r.id).join(', ')}); choose one with --run`}`,
    );
  }
  return all[0]!;
}

/** Each run id of the inputs stays a run of its own (its shards merged into it). */
function mergeEachRun(store: ResultStore, inputs: Input[]): MergeResult {
  const ids = [...new Set(inputs.map((i) => i.run.id))];
  const results = ids.map((id) => mergeInto(store, inputs.filter((i) => i.run.id === id), id));
  return {
    runId: results[0]!.runId,
    runIds: ids,
    inputs: inputs.length,
    images: results.reduce((n, r) => n + r.images, 0),
    replaced: results.reduce((n, r) => n + r.replaced, 0),
  };
}

function mergeInto(store: ResultStore, inputs: Input[], wantedId: string | undefined): MergeResult {
  const mixed = inputs.find((i) => i.run.identity !== inputs[0]!.run.identity);
  if (mixed) throw new StoreError('ERR_MERGE', `merge: run ${mixed.run.id} appears with two different identities (${mixed.file})`);
  const byStart = [...inputs].sort((a, b) => a.run.startedAt.localeCompare(b.run.startedAt));
  const ids = new Set(inputs.map((i) => i.run.id));
  const runId = wantedId ?? (ids.size === 1 ? inputs[0]!.run.id : byStart[0]!.run.id);
  const existing = store.runs.get(runId);
  if (existing && existing.identity !== inputs[0]!.run.identity) {
    throw new StoreError('ERR_MERGE', `merge: ${store.path} already holds a run ${runId} that measured something else`);
  }
  writeRunRow(store, runId, inputs.map((i) => i.run).concat(existing ? [existing] : []));
  let images = 0;
  let replaced = 0;
  for (const input of inputs) {
    for (const row of (input.db.prepare('SELECT * FROM images WHERE run_id = ?').all(input.run.id) as Parameters<typeof toImageRow>[0][]).map(toImageRow)) {
      const outcome = mergeImage(store, input.db, runId, row);
      if (outcome !== 'kept') images++;
      if (outcome === 'replaced') replaced++;
    }
    for (const load of input.db.prepare('SELECT * FROM run_models WHERE run_id = ?').all(input.run.id) as Array<Record<string, unknown>>) {
      mergeModelLoad(store, runId, load);
    }
    store.importLeaseEvents(runId, new LeaseEventsTable(input.db).list(input.run.id));
  }
  return { runId, runIds: [runId], inputs: inputs.length, images, replaced };
}

/** The merged run spans its inputs: earliest start, latest end, every host and revision. */
function writeRunRow(store: ResultStore, runId: string, runs: RunRow[]): void {
  const distinct = (values: Array<string | null>) => [...new Set(values.filter((v): v is string => v !== null))].join(', ') || null;
  const ends = runs.map((r) => r.endedAt);
  const status: RunStatus = runs.every((r) => r.status === 'completed') ? 'completed' : 'incomplete';
  const first = runs[0]!;
  store.db
    .prepare(
      `INSERT INTO runs (id, config_json, identity, shard, git_revision, host, device_json, libtorch_version, started_at, ended_at, status,
         demo, device, dtype, threads, skipped_models_json)
       VALUES (@id, @configJson, @identity, NULL, @gitRevision, @host, @deviceJson, @libtorchVersion, @startedAt, @endedAt, @status,
         @demo, @device, @dtype, @threads, @skippedModelsJson)
       ON CONFLICT (id) DO UPDATE SET git_revision = excluded.git_revision, host = excluded.host,
         started_at = excluded.started_at, ended_at = excluded.ended_at, status = excluded.status, demo = excluded.demo,
         device = excluded.device, dtype = excluded.dtype, threads = excluded.threads, skipped_models_json = excluded.skipped_models_json`,
    )
    .run({
      id: runId,
      configJson: first.configJson,
      identity: first.identity,
      gitRevision: distinct(runs.map((r) => r.gitRevision)),
      host: distinct(runs.map((r) => r.host)),
      deviceJson: first.deviceJson,
      libtorchVersion: first.libtorchVersion,
      startedAt: runs.map((r) => r.startedAt).sort()[0]!,
      demo: first.demo === undefined || first.demo === null ? null : first.demo ? 1 : 0,
      device: first.device ?? null,
      dtype: first.dtype ?? null,
      // Shards may run with other thread counts (not part of the identity): one value only when they agree.
      threads: new Set(runs.map((r) => r.threads ?? null)).size === 1 ? (first.threads ?? null) : null,
      skippedModelsJson: runs.some((r) => r.skippedModels?.length)
        ? JSON.stringify([...new Set(runs.flatMap((r) => r.skippedModels ?? []))])
        : null,
      endedAt: ends.includes(null) ? null : (ends as string[]).sort().at(-1)!,
      status,
    });
}

function mergeImage(store: ResultStore, source: Database.Database, runId: string, row: ImageRow): 'added' | 'replaced' | 'kept' {
  const current = store.db
    .prepare('SELECT id, status FROM images WHERE run_id = ? AND model = ? AND prompt_id = ? AND seed_index = ?')
    .get(runId, row.model, row.promptId, row.seedIndex) as { id: number; status: ImageStatus } | undefined;
  if (current && RANK[current.status] >= RANK[row.status]) return 'kept';
  if (current) store.db.prepare('DELETE FROM images WHERE id = ?').run(current.id);
  const { id } = store.db
    .prepare(
      `INSERT INTO images (run_id, model, prompt_id, seed_index, seed, prompt, negative_prompt, steps, guidance, width, height,
         scheduler, file_path, timings_json, latency_ms, lease_wait_ms, peak_memory_bytes, status, error_code, error_message,
         category, attempts, created_at, updated_at)
       VALUES (@runId, @model, @promptId, @seedIndex, @seed, @prompt, @negativePrompt, @steps, @guidance, @width, @height,
         @scheduler, @filePath, @timingsJson, @latencyMs, @leaseWaitMs, @peakMemoryBytes, @status, @errorCode, @errorMessage,
         @category, @attempts, @createdAt, @updatedAt)
       RETURNING id`,
    )
    .get({ ...row, category: row.category ?? null, runId, timingsJson: row.timings === null ? null : JSON.stringify(row.timings) }) as { id: number };
  const scores = source.prepare('SELECT metric, value FROM scores WHERE image_id = ?').all(row.id) as Array<{ metric: string; value: number }>;
  const put = store.db.prepare('INSERT INTO scores (image_id, metric, value) VALUES (?, ?, ?)');
  for (const s of scores) put.run(id, s.metric, s.value);
  return current ? 'replaced' : 'added';
}

/** A model that loaded in any shard counts as loaded. */
function mergeModelLoad(store: ResultStore, runId: string, load: Record<string, unknown>): void {
  const current = store.runs.modelLoads(runId).find((l) => l.role === load.role && l.model === load.model);
  if (current?.status === 'loaded') return;
  store.runs.recordModelLoad({
    runId,
    role: load.role as ModelLoadRecord['role'],
    model: String(load.model),
    repo: (load.repo as string | null) ?? null,
    revision: (load.revision as string | null) ?? null,
    modelDir: (load.model_dir as string | null) ?? null,
    status: load.status as ModelLoadRecord['status'],
    errorCode: (load.error_code as string | null) ?? null,
    errorMessage: (load.error_message as string | null) ?? null,
    loadMs: (load.load_ms as number | null) ?? null,
    source: (load.source as string | null) ?? null,
    fingerprint: (load.fingerprint as string | null) ?? null,
  });
}
