import { existsSync } from 'node:fs';
import { readImageMetadata, type ImageMetadata } from '../store/image-file.js';
import type { ImageUnit, PlannedModel } from './plan.js';
import { inResultsDir, imageRecord, relativeImagePath, type RunContext } from './run-context.js';

/**
 * A crash between the PNG's rename and the row's commit leaves a file without its row. Such a
 * file is adopted when its own metadata says it is exactly this image of this run; otherwise
 * it is left to be regenerated (and atomically replaced). Returns the units still to make.
 */
export async function recoverImageFiles(ctx: RunContext, model: PlannedModel, units: ImageUnit[]): Promise<ImageUnit[]> {
  const todo: ImageUnit[] = [];
  for (const unit of units) {
    const relative = relativeImagePath(ctx, model.key, unit);
    const file = inResultsDir(ctx, relative);
    if (!existsSync(file)) {
      todo.push(unit);
      continue;
    }
    const read = await readImageMetadata(file);
    if ('problem' in read || !describesUnit(read.meta, ctx, model, unit)) {
      ctx.progress.note(`${file}: ${'problem' in read ? read.problem : 'metadata is for another image'}; regenerating it`);
      todo.push(unit);
      continue;
    }
    const { meta } = read;
    ctx.store.images.record(
      imageRecord(ctx, model, unit, {
        status: 'ok',
        filePath: relative,
        timings: meta.timings,
        latencyMs: meta.latencyMs,
        leaseWaitMs: meta.leaseWaitMs,
        peakMemoryBytes: meta.peakMemoryBytes,
      }),
    );
    ctx.progress.completed(model.key);
  }
  return todo;
}

function describesUnit(meta: ImageMetadata, ctx: RunContext, model: PlannedModel, unit: ImageUnit): boolean {
  const s = model.settings;
  return (
    meta.runId === ctx.runId &&
    meta.model === model.key &&
    meta.repo === model.source.repo &&
    meta.revision === model.source.revision &&
    meta.promptId === unit.promptId &&
    meta.seedIndex === unit.seedIndex &&
    meta.seed === unit.seed &&
    meta.prompt === unit.prompt &&
    meta.negativePrompt === s.negativePrompt &&
    meta.steps === s.steps &&
    meta.guidance === s.guidance &&
    meta.width === s.width &&
    meta.height === s.height &&
    meta.scheduler === s.scheduler
  );
}
