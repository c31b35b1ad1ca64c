import { createGpuLease } from './engines/gpu-lease.js';
import { noLease } from './benchmark-lease.js';
import { createEngine } from './engines/engine.js';
import { prepareRun, type RunRequest } from './prepare-run.js';
import { createProgress } from './progress.js';
import { runBenchmark, type RunResult } from './run-benchmark.js';
import { stopOnSignals } from './stop-signals.js';
import { summarizeRun, type ModelSummary } from './summary.js';
import { ResultStore } from '../store/result-store.js';

export interface RunIo {
  /** Progress lines and notes. */
  err: NodeJS.WritableStream & { isTTY?: boolean };
  progressIntervalMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ExecutedRun extends RunResult {
  summary: ModelSummary[];
  databaseFile: string;
  /** 0 completed; 3 incomplete (a rerun resumes); 130/143 stopped by SIGINT/SIGTERM. */
  exitCode: number;
}

/** `ppbench run` without the command line: check everything, then run, then summarise. */
export async function executeRun(request: RunRequest, io: RunIo): Promise<ExecutedRun> {
  const prepared = prepareRun(request, io.env);
  const { plan } = prepared;
  const engine = createEngine(plan.config);
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
      prepared.start,
    );
    const summary = summarizeRun(
      store.images.results(result.runId),
      plan.models.map((m) => ({ key: m.key, total: m.units.length })),
      store.runs.modelLoads(result.runId),
    );
    const exitCode = stop.exitCode() ?? (result.status === 'completed' ? 0 : 3);
    return { ...result, summary, databaseFile: prepared.databaseFile, exitCode };
  } finally {
    stop.dispose();
    store.close();
  }
}
