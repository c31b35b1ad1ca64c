import type { LocateOptions } from '../registry/locate-model.js';
import { unitKey } from '../store/images-table.js';
import type { ResultStore } from '../store/result-store.js';
import type { LeaseEventRecord, RunStatus } from '../store/rows.js';
import type { BenchmarkLease } from './benchmark-lease.js';
import type { Engine } from './engines/engine.js';
import { errorMessage } from './errors.js';
import { machineInfo } from './machine-info.js';
import { runModelPass } from './model-pass.js';
import type { RunPlan } from './plan.js';
import { silentProgress, type ProgressSink } from './progress.js';
import type { RunContext } from './run-context.js';
import { ScoringPass } from './score-images.js';
import { startRun, type StartOptions } from './start-run.js';

export interface RunDeps {
  store: ResultStore;
  resultsDir: string;
  engine: Engine;
  lease: BenchmarkLease;
  /** The lease's events.jsonl, imported after each model; absent when no lease is used. */
  leaseEvents?: () => Promise<LeaseEventRecord[]>;
  stop?: AbortSignal;
  progress?: ProgressSink;
  locate?: LocateOptions;
}

export interface RunResult {
  runId: string;
  resumed: boolean;
  /** completed: every image has a final row and scores; incomplete: a rerun has work to do. */
  status: RunStatus;
}

/**
 * The benchmark: for each model, its missing images (one lease per image), then their scores.
 * Safe to stop at any point: what is done is committed, and a rerun resumes from there.
 */
export async function runBenchmark(plan: RunPlan, deps: RunDeps, start: StartOptions = {}): Promise<RunResult> {
  const stop = deps.stop ?? new AbortController().signal;
  const { runId, resumed } = startRun(deps.store, plan, start, machineInfo(deps.engine.device.info()));
  const ctx: RunContext = {
    runId,
    plan,
    store: deps.store,
    resultsDir: deps.resultsDir,
    lease: deps.lease,
    engine: deps.engine,
    stop,
    progress: deps.progress ?? silentProgress,
    locate: deps.locate ?? {},
  };
  ctx.progress.start(plan.models.map((m) => ({ key: m.key, total: m.units.length, done: finishedUnits(ctx, m.key, m.units).length })));
  const scoring = new ScoringPass(ctx);
  let status: RunStatus = 'failed';
  try {
    for (const model of plan.models) {
      if (stop.aborted) break;
      await runModelPass(ctx, model);
      if (stop.aborted) break;
      await scoring.scoreModel(model);
      await importLeaseEvents(ctx, deps);
    }
    status = stop.aborted ? 'interrupted' : nothingMade(ctx) ? 'failed' : isComplete(ctx) ? 'completed' : 'incomplete';
  } finally {
    await scoring.dispose();
    await importLeaseEvents(ctx, deps);
    deps.store.runs.finish(runId, status, new Date().toISOString());
    ctx.progress.finish();
  }
  return { runId, resumed, status };
}

function finishedUnits(ctx: RunContext, model: string, units: RunPlan['models'][number]['units']) {
  const states = ctx.store.images.states(ctx.runId, model);
  return units.filter((u) => {
    const status = states.get(unitKey(u.promptId, u.seedIndex))?.status;
    return status === 'ok' || status === 'failed';
  });
}

/**
 * Every planned image was attempted and every attempt failed (e.g. a size the engine refuses):
 * the run measured nothing and a rerun would fail the same way. A model that failed to load
 * leaves its images pending instead: a rerun tries it again (incomplete).
 */
function nothingMade(ctx: RunContext): boolean {
  const results = ctx.store.images.results(ctx.runId);
  return results.length > 0 && results.every((r) => r.status === 'failed') &&
    ctx.plan.models.every((m) => finishedUnits(ctx, m.key, m.units).length === m.units.length);
}

function isComplete(ctx: RunContext): boolean {
  return ctx.plan.models.every(
    (m) =>
      finishedUnits(ctx, m.key, m.units).length === m.units.length &&
      (!ctx.plan.config.scoring.enabled || ctx.store.images.unscored(ctx.runId, m.key).length === 0),
  );
}

/** Events since the run began; a failure to read them costs the report a detail, never the run. */
async function importLeaseEvents(ctx: RunContext, deps: RunDeps): Promise<void> {
  if (!deps.leaseEvents) return;
  try {
    const since = ctx.store.runs.get(ctx.runId)?.startedAt ?? '';
    ctx.store.importLeaseEvents(ctx.runId, (await deps.leaseEvents()).filter((e) => e.ts >= since));
  } catch (err) {
    ctx.progress.note(`cannot import lease events: ${errorMessage(err)}`);
  }
}
