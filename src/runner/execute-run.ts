import { performance } from 'node:perf_hooks';
import { ensureDemoModels } from '../demo/index.js';
import { demoBanner, demoTrailer } from './demo-run.js';
import { createGpuLease } from './engines/gpu-lease.js';
import { noLease } from './benchmark-lease.js';
import { createEngine } from './engines/engine.js';
import { prepareRun, type RunRequest } from './prepare-run.js';
import { runPreflight } from './preflight/run-preflight.js';
import { formatProblems } from './preflight/problem.js';
import { createProgress } from './progress.js';
import { runBenchmark, type RunResult } from './run-benchmark.js';
import { stopOnSignals } from './stop-signals.js';
import { summarizeRun, type ModelSummary } from './summary.js';
import { ResultStore } from '../store/result-store.js';
import { isGpuDevice } from '../config/run-config.js';
import type { RunRow } from '../store/rows.js';
import { existsSync } from 'node:fs';
import { classifyRerun, reportPath } from './completed-run.js';
import type { RunPlan } from './plan.js';
import { summarizeLease, type LeaseSummary } from './lease-summary.js';
import { summarizeCategories, type CategoryScores } from './category-summary.js';

export interface RunIo {
  /** Progress lines and notes. */
  err: NodeJS.WritableStream & { isTTY?: boolean };
  progressIntervalMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ExecutedRun extends RunResult {
  summary: ModelSummary[];
  databaseFile: string;
  /** Models `--skip-missing` left out (their problems were printed). */
  skippedModels: string[];
  /** The identical run had completed already: nothing was generated, this is its summary. */
  alreadyCompleted: boolean;
  /** `<results dir>/<run>/report.html` when that page exists. */
  reportFile: string | null;
  /** The benchmark's lease holds, preemptions and waits; null when no lease was taken. */
  lease: LeaseSummary | null;
  /** Scores per model and prompt category. */
  categories: CategoryScores[];
  /** 0 completed; 1 failed (no image made); 3 incomplete (a rerun resumes); 130/143 stopped by SIGINT/SIGTERM. */
  exitCode: number;
}

/** `ppbench run` without the command line: check everything, then run, then summarise. */
export async function executeRun(request: RunRequest, io: RunIo): Promise<ExecutedRun> {
  const prepared = prepareRun(request, io.env);
  const { mode } = prepared;
  let plan = prepared.plan;
  if (plan.demo) {
    io.err.write(demoBanner(plan, mode));
    const started = performance.now();
    const built = await ensureDemoModels(plan.demo.dir);
    io.err.write(
      built.generated.length > 0
        ? `demo models: built ${built.generated.length} folder(s) in ${plan.demo.dir} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`
        : `demo models: up to date in ${plan.demo.dir}\n`,
    );
  } else if (mode.checked > 0) {
    io.err.write(`${mode.reason}\n`);
  }
  const rerun = classifyRerun(prepared.databaseFile, plan, prepared.start);
  if (rerun.kind === 'completed') return reportCompleted(rerun.run, plan, prepared.databaseFile, prepared.resultsDir, io);
  const start = rerun.kind === 'resume-skipped' ? { ...prepared.start, runId: rerun.run.id } : prepared.start;
  const engine = createEngine(plan.config);
  // A device the engine cannot use (cuda on a CPU build) fails before anything is written. Asking
  // loads libtorch (a second or more), so on CPU, where there is nothing to refuse, it waits until
  // the preflight passed: a missing model is reported at once.
  if (isGpuDevice(plan.config.device)) engine.device.info();
  const checked = runPreflight(plan, { resultsDir: prepared.resultsDir, usesWeights: engine.usesWeights, env: io.env, skipMissing: request.skipMissing });
  plan = checked.plan;
  const skippedModels = [...new Set(checked.skipped.map((p) => p.model!))];
  if (skippedModels.length > 0) {
    io.err.write(`--skip-missing: leaving out ${skippedModels.join(', ')}:\n${formatProblems(checked.skipped).split('\n').slice(1).join('\n')}\n`);
  }
  engine.device.info();
  const { enabled, ...leaseSettings } = plan.config.lease;
  const gpuLease = enabled ? createGpuLease(leaseSettings) : null;
  const store = ResultStore.open(prepared.databaseFile);
  const stop = stopOnSignals((signal) => io.err.write(`\n${signal}: finishing the current image, then stopping (again to exit at once)\n`));
  try {
    const result = await runBenchmark(
      plan,
      {
        store,
        resultsDir: prepared.resultsDir,
        engine,
        lease: gpuLease ?? noLease,
        leaseEvents: gpuLease?.readEvents,
        stop: stop.signal,
        progress: createProgress(io.err, { intervalMs: io.progressIntervalMs }),
      },
      { ...start, provenance: { demo: plan.demo !== null, device: plan.config.device, dtype: plan.config.dtype, threads: plan.config.threads ?? null, skippedModels } },
    );
    const results = store.images.results(result.runId);
    const summary = summarizeRun(results, plan.models.map((m) => ({ key: m.key, total: m.units.length })), store.runs.modelLoads(result.runId));
    const extras = { lease: summarizeLease(store.leaseEvents.list(result.runId)), categories: summarizeCategories(results) };
    const exitCode = stop.exitCode() ?? (result.status === 'completed' ? 0 : result.status === 'failed' ? 1 : 3);
    if (plan.demo) io.err.write(demoTrailer(plan, result.runId, prepared.resultsDir));
    return { ...result, ...extras, summary, databaseFile: prepared.databaseFile, skippedModels, exitCode, alreadyCompleted: false, reportFile: existingReport(prepared.resultsDir, result.runId) };
  } finally {
    stop.dispose();
    store.close();
  }
}

const existingReport = (resultsDir: string, runId: string): string | null => {
  const file = reportPath(resultsDir, runId);
  return existsSync(file) ? file : null;
};

/** A rerun of a completed config: its summary, and how to run it again on purpose. */
function reportCompleted(run: RunRow, plan: RunPlan, databaseFile: string, resultsDir: string, io: RunIo): ExecutedRun {
  io.err.write(`run ${run.id} of this config already completed (${run.endedAt ?? run.startedAt}); nothing to do — add --new to run it again\n`);
  const store = ResultStore.open(databaseFile);
  try {
    const results = store.images.results(run.id);
    const summary = summarizeRun(results, plan.models.map((m) => ({ key: m.key, total: m.units.length })), store.runs.modelLoads(run.id));
    return { lease: summarizeLease(store.leaseEvents.list(run.id)), categories: summarizeCategories(results), runId: run.id, resumed: false, status: 'completed', summary, databaseFile, skippedModels: [], exitCode: 0, alreadyCompleted: true, reportFile: existingReport(resultsDir, run.id) };
  } finally {
    store.close();
  }
}
