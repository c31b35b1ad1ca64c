import path from 'node:path';
import type { LocateOptions } from '../registry/locate-model.js';
import { imageRelativePath } from '../results/result-paths.js';
import type { ResultStore } from '../store/result-store.js';
import type { ImageRecord } from '../store/rows.js';
import { noLease, type BenchmarkLease } from './benchmark-lease.js';
import type { Engine } from './engines/engine.js';
import type { ImageUnit, PlannedModel, RunPlan } from './plan.js';
import type { ProgressSink } from './progress.js';

/** Everything one run's passes share. */
export interface RunContext {
  runId: string;
  plan: RunPlan;
  store: ResultStore;
  resultsDir: string;
  lease: BenchmarkLease;
  engine: Engine;
  /** Fires on SIGINT/SIGTERM: finish or abort the current unit, then stop. */
  stop: AbortSignal;
  progress: ProgressSink;
  locate: LocateOptions;
}

export const relativeImagePath = (ctx: RunContext, model: string, unit: ImageUnit): string =>
  imageRelativePath(ctx.runId, model, unit.promptId, unit.seedIndex);

/** A path the database stores (relative to the results dir) made absolute. */
export const inResultsDir = (ctx: RunContext, relative: string): string => path.join(ctx.resultsDir, relative);

/** The row fields every attempt shares; `outcome` adds what this attempt found out. */
export function imageRecord(
  ctx: RunContext,
  model: PlannedModel,
  unit: ImageUnit,
  outcome: Partial<ImageRecord> & Pick<ImageRecord, 'status'>,
): ImageRecord {
  return {
    runId: ctx.runId,
    model: model.key,
    promptId: unit.promptId,
    seedIndex: unit.seedIndex,
    seed: unit.seed,
    prompt: unit.prompt,
    negativePrompt: model.settings.negativePrompt,
    steps: model.settings.steps,
    guidance: model.settings.guidance,
    width: model.settings.width,
    height: model.settings.height,
    scheduler: model.settings.scheduler,
    filePath: null,
    timings: null,
    latencyMs: null,
    peakMemoryBytes: null,
    errorCode: null,
    errorMessage: null,
    category: unit.category,
    ...outcome,
    // A wait for a lease that was never asked for is no number at all.
    leaseWaitMs: ctx.lease === noLease ? null : (outcome.leaseWaitMs ?? null),
  };
}
