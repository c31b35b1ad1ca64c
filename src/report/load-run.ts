import path from 'node:path';
import type Database from 'better-sqlite3';
import { ImagesTable } from '../store/images-table.js';
import { LeaseEventsTable } from '../store/lease-events-table.js';
import type { ImageResult, LeaseEventRecord, ModelLoadRecord, RunRow } from '../store/rows.js';
import { RunsTable } from '../store/runs-table.js';
import { openResultsReadOnly } from './open-results.js';
import { ReportError } from './report-error.js';

/** Everything a report or a comparison reads about one run, loaded once. */
export interface RunData {
  databaseFile: string;
  /** Where the database sits: image paths in it are relative to this folder. */
  resultsDir: string;
  run: RunRow;
  demo: boolean;
  config: Record<string, unknown>;
  images: ImageResult[];
  loads: ModelLoadRecord[];
  leaseEvents: LeaseEventRecord[];
  /** Generation models, in the order the run loaded them (then any only seen in images). */
  models: string[];
  /** Every metric name in the scores table for this run, sorted. */
  metrics: string[];
}

/** The run to read: the given id, or the newest. Unknown ids name the latest runs. */
export function resolveRun(db: Database.Database, file: string, runId: string | undefined): RunRow {
  const runs = new RunsTable(db);
  if (runId === undefined) {
    const latest = runs.latest();
    if (!latest) throw new ReportError('ERR_REPORT_NO_RUNS', `no runs in ${file}`);
    return latest;
  }
  const run = runs.get(runId);
  if (run) return run;
  const latest = runs.list().slice(0, 5);
  const listed = latest.length === 0 ? 'it holds no runs' : `latest runs: ${latest.map((r) => `${r.id} (${r.status}, ${r.startedAt})`).join(', ')}`;
  throw new ReportError('ERR_REPORT_UNKNOWN_RUN', `no run ${runId} in ${file}; ${listed}`);
}

/**
 * A run is a demo run when the store says so (runs.demo, schema v2) or, where that column is
 * null (runs the runner recorded before filling it), when its config has a `demo` section: that
 * is what makes the runner use the demo models.
 */
export function isDemoRun(run: RunRow, config: Record<string, unknown>): boolean {
  if (run.demo !== undefined && run.demo !== null) return run.demo;
  return config.demo !== undefined && config.demo !== null && config.demo !== false;
}

export function readRun(db: Database.Database, file: string, runId: string | undefined): RunData {
  const run = resolveRun(db, file, runId);
  const images = new ImagesTable(db).results(run.id);
  const loads = new RunsTable(db).modelLoads(run.id);
  let config: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(run.configJson);
    if (parsed !== null && typeof parsed === 'object') config = parsed as Record<string, unknown>;
  } catch {
    // A config that does not parse is shown as its raw text; nothing else depends on it.
  }
  const models: string[] = [];
  for (const l of loads) if (l.role === 'generation' && !models.includes(l.model)) models.push(l.model);
  for (const i of images) if (!models.includes(i.model)) models.push(i.model);
  const metrics = [...new Set(images.flatMap((i) => Object.keys(i.scores)))].sort();
  return {
    databaseFile: file,
    resultsDir: path.dirname(path.resolve(file)),
    run,
    demo: isDemoRun(run, config),
    config,
    images,
    loads,
    leaseEvents: new LeaseEventsTable(db).list(run.id),
    models,
    metrics,
  };
}

/** Opens the database read-only, reads one run, closes it. */
export function loadRun(file: string, runId: string | undefined): RunData {
  const db = openResultsReadOnly(file);
  try {
    return readRun(db, file, runId);
  } finally {
    db.close();
  }
}
