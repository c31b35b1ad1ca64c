import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { locateHubModel } from '../registry/locate-model.js';
import { modelProvenance, type ModelProvenance } from './model-provenance.js';
import { imageFolder } from '../results/result-paths.js';
import { removeStaleTempFiles } from '../fs/atomic-file.js';
import { writeImageFile, type ImageMetadata } from '../store/image-file.js';
import { unitKey } from '../store/images-table.js';
import { isCompletePng } from '../store/png/complete-png.js';
import type { ImageRecord } from '../store/rows.js';
import { attemptImage, type Attempt } from './attempt-image.js';
import { errorCode, errorMessage } from './errors.js';
import type { ImageGenerator } from './generator.js';
import type { ImageUnit, PlannedModel } from './plan.js';
import { recoverImageFiles } from './recover-images.js';
import { inResultsDir, imageRecord, relativeImagePath, type RunContext } from './run-context.js';

/**
 * What is left of a model's share: images without a row, preempted or interrupted ones, and
 * ok rows whose file is gone or incomplete. Failed images are results (an OOM is a finding).
 */
function pendingUnits(ctx: RunContext, model: PlannedModel): ImageUnit[] {
  const states = ctx.store.images.states(ctx.runId, model.key);
  return model.units.filter((unit) => {
    const state = states.get(unitKey(unit.promptId, unit.seedIndex));
    if (state === undefined) return true;
    if (state.status === 'ok') return !isCompletePng(inResultsDir(ctx, relativeImagePath(ctx, model.key, unit)));
    return state.status === 'preempted' || state.status === 'interrupted';
  });
}

/** Generates a model's missing images: loaded once, disposed (and the cache flushed) after. */
export async function runModelPass(ctx: RunContext, model: PlannedModel): Promise<void> {
  ctx.progress.modelStart(model.key);
  await removeStaleTempFiles(inResultsDir(ctx, imageFolder(ctx.runId, model.key)));
  const todo = await recoverImageFiles(ctx, model, pendingUnits(ctx, model));
  if (todo.length === 0 || ctx.stop.aborted) return;
  const generator = await loadGenerator(ctx, model);
  if (!generator) return;
  try {
    await generateAll(ctx, model, generator, todo);
  } finally {
    await generator.dispose();
    await ctx.engine.device.emptyCache();
  }
}

async function loadGenerator(ctx: RunContext, model: PlannedModel): Promise<ImageGenerator | null> {
  const started = performance.now();
  let dir: string | null = null;
  let provenance: ModelProvenance = { source: ctx.plan.demo ? 'demo' : 'registry', repo: model.source.repo, revision: model.source.revision, fingerprint: null };
  const record = (fields: { status: 'loaded' | 'load-failed'; errorCode?: string; errorMessage?: string }) =>
    ctx.store.runs.recordModelLoad({
      runId: ctx.runId,
      role: 'generation',
      model: model.key,
      ...provenance,
      modelDir: dir,
      status: fields.status,
      errorCode: fields.errorCode ?? null,
      errorMessage: fields.errorMessage ?? null,
      loadMs: performance.now() - started,
    });
  try {
    if (ctx.engine.usesWeights) {
      const location = locateHubModel({ key: model.key, ...model.source, variant: model.entry.variant, marker: 'model_index.json' }, ctx.locate);
      dir = location.dir;
      provenance = modelProvenance(ctx, model, location);
    }
    const generator = await ctx.engine.createGenerator(
      { entry: model.entry, repo: model.source.repo, revision: model.source.revision, dir, settings: model.settings },
      {
        device: ctx.plan.config.device,
        dtype: ctx.plan.config.dtype,
        ...(ctx.plan.config.cudaGraphs !== undefined && { cudaGraphs: ctx.plan.config.cudaGraphs }),
      },
    );
    record({ status: 'loaded' });
    return generator;
  } catch (err) {
    const code = errorCode(err, 'ERR_MODEL_LOAD');
    record({ status: 'load-failed', errorCode: code, errorMessage: errorMessage(err) });
    ctx.progress.note(`${model.key}: cannot load, skipping it: [${code}] ${errorMessage(err)}`);
    await ctx.engine.device.emptyCache();
    return null;
  }
}

async function generateAll(ctx: RunContext, model: PlannedModel, generator: ImageGenerator, todo: ImageUnit[]): Promise<void> {
  const { calmPauseMs } = ctx.plan.config;
  const queue = todo.map((unit) => ({ unit, preemptions: 0 }));
  // The previous image's PNG and row, written while the next one generates: at most one in flight.
  let saving: Promise<void> = Promise.resolve();
  try {
    while (queue.length > 0 && !ctx.stop.aborted) {
      const item = queue.shift()!;
      const { unit } = item;
      const attempt = await attemptImage({ generator, model: model.key, unit, settings: model.settings, lease: ctx.lease, stop: ctx.stop });
      await saving;
      if (attempt.kind === 'ok') {
        saving = saveImage(ctx, model, unit, attempt);
        // Awaited at the next image (or below); until then a failure must not count as unhandled.
        saving.catch(() => undefined);
      } else {
        recordUnsaved(ctx, model, item, attempt, queue);
      }
      // After every image, whatever happened: give cached blocks back, then let the backend in.
      await ctx.engine.device.emptyCache();
      if (calmPauseMs > 0 && queue.length > 0) await sleep(calmPauseMs, undefined, { signal: ctx.stop }).catch(() => undefined);
    }
  } finally {
    await saving;
  }
}

type QueueItem = { unit: ImageUnit; preemptions: number };

/** A preempted, failed or interrupted attempt: its row, and a preempted image back into the queue. */
function recordUnsaved(
  ctx: RunContext,
  model: PlannedModel,
  item: QueueItem,
  attempt: Exclude<Attempt, { kind: 'ok' }>,
  queue: QueueItem[],
): void {
  const { unit } = item;
  const { retries } = ctx.plan.config;
  switch (attempt.kind) {
    case 'preempted':
      ctx.store.images.record(
        imageRecord(ctx, model, unit, {
          status: 'preempted',
          errorCode: 'ERR_PREEMPTED',
          errorMessage: attempt.reason,
          latencyMs: attempt.latencyMs,
          leaseWaitMs: attempt.leaseWaitMs,
        }),
      );
      // Back into the queue; past the bound it stays preempted and a resume retries it.
      if (++item.preemptions <= retries.preempted) queue.push(item);
      break;
    case 'failed':
      ctx.store.images.record(
        imageRecord(ctx, model, unit, {
          status: 'failed',
          errorCode: attempt.code,
          errorMessage: attempt.message,
          latencyMs: attempt.latencyMs,
          leaseWaitMs: attempt.leaseWaitMs,
        }),
      );
      ctx.progress.note(`${model.key}/${unit.promptId}/s${unit.seedIndex}: failed: [${attempt.code}] ${attempt.message}`);
      ctx.progress.completed(model.key);
      break;
    case 'interrupted':
      ctx.store.images.record(imageRecord(ctx, model, unit, { status: 'interrupted', errorCode: 'ERR_INTERRUPTED', errorMessage: attempt.reason }));
      break;
  }
}

/** The file first, then its row: a row never points at a file that is not complete. */
async function saveImage(ctx: RunContext, model: PlannedModel, unit: ImageUnit, attempt: Extract<Attempt, { kind: 'ok' }>): Promise<void> {
  const relative = relativeImagePath(ctx, model.key, unit);
  const row = imageRecord(ctx, model, unit, {
    status: 'ok',
    filePath: relative,
    timings: attempt.image.timings,
    latencyMs: attempt.latencyMs,
    leaseWaitMs: attempt.leaseWaitMs,
    peakMemoryBytes: attempt.image.peakMemory,
  });
  await writeImageFile(inResultsDir(ctx, relative), attempt.image, imageMetadata(ctx, row, model));
  ctx.store.images.record(row);
  ctx.progress.completed(model.key);
}

/** The row as the file's own metadata, so a file without its row can be adopted (recover-images.ts). */
function imageMetadata(ctx: RunContext, row: ImageRecord, model: PlannedModel): ImageMetadata {
  const timings: ImageMetadata['timings'] = {};
  for (const [stage, value] of Object.entries(row.timings ?? {})) if (value !== undefined) timings[stage] = value;
  return {
    v: 1,
    runId: row.runId,
    model: row.model,
    repo: model.source.repo,
    revision: model.source.revision,
    promptId: row.promptId,
    seedIndex: row.seedIndex,
    seed: row.seed,
    prompt: row.prompt,
    negativePrompt: row.negativePrompt,
    steps: row.steps,
    guidance: row.guidance,
    width: row.width,
    height: row.height,
    scheduler: row.scheduler,
    timings,
    latencyMs: row.latencyMs ?? 0,
    leaseWaitMs: row.leaseWaitMs,
    peakMemoryBytes: row.peakMemoryBytes,
    device: ctx.plan.config.device,
    dtype: ctx.plan.config.dtype,
    threads: ctx.plan.config.threads ?? null,
  };
}
