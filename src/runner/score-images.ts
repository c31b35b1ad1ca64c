import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ConfigError } from '../config/config-error.js';
import { isGpuDevice } from '../config/run-config.js';
import { locateHubModel } from '../registry/locate-model.js';
import { MODEL_REGISTRY } from '../registry/models.js';
import { resolveSource } from '../registry/lookup.js';
import { readImagePixels } from '../store/image-file.js';
import type { ImageRow } from '../store/rows.js';
import { errorCode, errorMessage, isCancellation, RunnerError } from './errors.js';
import type { PlannedModel } from './plan.js';
import { inResultsDir, type RunContext } from './run-context.js';
import type { RgbImage, Scorer, ScoreResult } from './scorer.js';
import { locateAestheticWeights, locatePickScore } from './scoring-models.js';

type BatchOutcome = { kind: 'scored'; result: ScoreResult } | { kind: 'preempted' } | { kind: 'interrupted' };

/**
 * Scores ok images that have no scores yet, in batches, after a model's generator is gone.
 * The scoring models (CLIP, aesthetic MLP, PickScore) are loaded for each model's scoring and
 * released right after it, so they never share the device with a generator; a load that failed is
 * not retried in the same session. On a GPU each batch is GPU work the backend must be able to
 * preempt, so it runs inside a lease of its own; on CPU it does not.
 */
export class ScoringPass {
  private scorer: Scorer | null | undefined;
  /** Which optional metrics the loaded scorer produces (set by load()). */
  private wanted = { aesthetic: true, pickscore: false };

  constructor(private readonly ctx: RunContext) {}

  async scoreModel(model: PlannedModel): Promise<void> {
    const { scoring } = this.ctx.plan.config;
    if (!scoring.enabled) return;
    const pending = this.ctx.store.images.unscored(this.ctx.runId, model.key);
    if (pending.length === 0) return;
    const scorer = await this.load();
    if (!scorer) return;
    try {
      await this.scoreWith(scorer, model, pending);
    } finally {
      await this.dispose();
    }
  }

  private async scoreWith(scorer: Scorer, model: PlannedModel, pending: ImageRow[]): Promise<void> {
    const { scoring, retries } = this.ctx.plan.config;
    let preemptions = 0;
    for (let at = 0; at < pending.length && !this.ctx.stop.aborted; ) {
      const batch = pending.slice(at, at + scoring.batchSize);
      try {
        const outcome = await this.scoreBatch(scorer, model.key, batch);
        if (outcome.kind === 'interrupted') return;
        if (outcome.kind === 'preempted') {
          if (++preemptions > retries.preempted) {
            this.ctx.progress.note(`${model.key}: scoring preempted ${preemptions} times; the rest is scored on resume`);
            return;
          }
          continue;
        }
        this.store(batch, outcome.result);
        at += batch.length;
      } catch (err) {
        this.ctx.progress.note(`${model.key}: scoring stopped, the rest is scored on resume: [${errorCode(err, 'ERR_SCORE')}] ${errorMessage(err)}`);
        return;
      }
    }
  }

  /** Frees the scoring models (a failed load stays remembered: null). */
  async dispose(): Promise<void> {
    if (!this.scorer) return;
    const scorer = this.scorer;
    this.scorer = undefined;
    await scorer.dispose();
  }

  private async scoreBatch(scorer: Scorer, model: string, batch: ImageRow[]): Promise<BatchOutcome> {
    const { stop, lease } = this.ctx;
    const images: RgbImage[] = batch.map((row) => readImagePixels(inResultsDir(this.ctx, row.filePath!)));
    const prompts = batch.map((row) => row.prompt);
    const run = async (signal: AbortSignal, preemptedBy?: AbortSignal): Promise<BatchOutcome> => {
      try {
        return { kind: 'scored', result: await scorer.score(images, prompts, { signal }) };
      } catch (err) {
        if (stop.aborted) return { kind: 'interrupted' };
        if (preemptedBy?.aborted || isCancellation(err)) return { kind: 'preempted' };
        throw err;
      }
    };
    if (!isGpuDevice(this.ctx.plan.config.device)) return run(stop);
    try {
      return await lease.withGpuLease('benchmark', (held) => run(AbortSignal.any([held.signal, stop]), held.signal), {
        label: `score/${model}`,
        signal: stop,
      });
    } catch (err) {
      if (stop.aborted) return { kind: 'interrupted' };
      throw err;
    }
  }

  private store(batch: ImageRow[], result: ScoreResult): void {
    const n = batch.length;
    const valid = (xs: number[]) => xs.length === n && xs.every(Number.isFinite);
    const { aesthetic, pickscore } = this.wanted;
    const aestheticOk = aesthetic ? result.aesthetic !== null && valid(result.aesthetic) : true;
    const pickOk = pickscore ? result.pickscore !== undefined && valid(result.pickscore) : true;
    if (!valid(result.clipScore) || !valid(result.cosine) || !aestheticOk || !pickOk) {
      const count = (xs: number[] | null | undefined) => (xs ? xs.length : 'no');
      throw new RunnerError(
        'ERR_BAD_SCORES',
        `scorer returned ${result.clipScore.length}/${result.cosine.length}/${count(result.aesthetic)}/${count(result.pickscore)} finite clip/cosine/aesthetic/pickscore values for ${n} images`,
      );
    }
    this.ctx.store.scores.insert(
      batch.map((row, i) => ({
        imageId: row.id,
        values: {
          clip_score: result.clipScore[i]!,
          clip_cosine: result.cosine[i]!,
          ...(aesthetic ? { aesthetic: result.aesthetic![i]! } : {}),
          ...(pickscore ? { pickscore: result.pickscore![i]! } : {}),
        },
      })),
    );
  }

  /** Null (recorded, with the reason) when the scoring models cannot be found or loaded. */
  private async load(): Promise<Scorer | null> {
    if (this.scorer !== undefined) return this.scorer;
    const { config, demo } = this.ctx.plan;
    const { clip, aesthetic, pickscore } = MODEL_REGISTRY.scoring;
    // A demo run scores with the demo CLIP, aesthetic MLP and PickScore (random weights, no sha256 to check).
    const source = demo ? { repo: `ppbench-demo/${clip.key}`, revision: demo.revision } : resolveSource(clip, config.scoring.clip);
    const started = performance.now();
    let clipDir: string | null = null;
    const usesWeights = this.ctx.engine.usesWeights;
    // PickScore is optional: when it cannot be found the CLIP and aesthetic scores still run.
    const pick = config.scoring.pickscore ? this.findPickScore() : null;
    this.wanted = { aesthetic: config.scoring.aesthetic !== false, pickscore: pick !== null };
    try {
      let aestheticFile: string | null = null;
      if (usesWeights && demo) {
        clipDir = locateHubModel({ key: clip.key, ...source, path: demo.clipDir, marker: 'config.json' }, this.ctx.locate).dir;
        if (this.wanted.aesthetic) {
          if (!existsSync(demo.aestheticFile)) throw new ConfigError('ERR_MODEL_NOT_FOUND', `demo aesthetic MLP ${demo.aestheticFile} is missing (ppbench demo builds it)`);
          aestheticFile = demo.aestheticFile;
        }
      } else if (usesWeights) {
        clipDir = locateHubModel({ key: clip.key, ...source, marker: 'config.json' }, this.ctx.locate).dir;
        const weights = locateAestheticWeights(config.scoring.aesthetic, this.ctx.locate);
        if (weights) {
          aestheticFile = weights.file;
          this.recordAesthetic(weights.file, weights.sha256, weights.custom, aesthetic.url);
        }
      }
      const models = { clipDir, aestheticFile, aesthetic: this.wanted.aesthetic, pickscore: pick && { modelDir: pick.modelDir, processorDir: pick.processorDir } };
      this.scorer = await this.ctx.engine.createScorer(models, { device: config.device, dtype: config.scoring.dtype });
      this.recordLoad(source, clipDir, started, null);
      if (pick) this.recordLoad(pick.source, pick.modelDir, started, null, pickscore.key);
    } catch (err) {
      this.scorer = null;
      this.recordLoad(source, clipDir, started, err);
      this.ctx.progress.note(`scoring disabled for this session: [${errorCode(err, 'ERR_MODEL_LOAD')}] ${errorMessage(err)}`);
    }
    return this.scorer;
  }

  /** The PickScore folders for this run; null (recorded and noted) when they are missing. */
  private findPickScore(): { modelDir: string | null; processorDir: string | null; source: { repo: string; revision: string } } | null {
    const { demo } = this.ctx.plan;
    const { pickscore } = MODEL_REGISTRY.scoring;
    if (!this.ctx.engine.usesWeights) return { modelDir: null, processorDir: null, source: { repo: pickscore.repo, revision: pickscore.revision } };
    if (demo) {
      return { modelDir: demo.pickscoreDir, processorDir: demo.pickscoreProcessorDir, source: { repo: `ppbench-demo/${pickscore.key}`, revision: demo.revision } };
    }
    const started = performance.now();
    try {
      const found = locatePickScore(this.ctx.locate);
      return { modelDir: found.modelDir, processorDir: found.processorDir, source: found.sources.model };
    } catch (err) {
      this.recordLoad(resolveSource(pickscore, {}), null, started, err, pickscore.key);
      this.ctx.progress.note(`PickScore skipped for this session: [${errorCode(err, 'ERR_MODEL_NOT_FOUND')}] ${errorMessage(err)}`);
      return null;
    }
  }

  /** The aesthetic weights as loaded: the registry file (hash checked) or custom weights with their sha256. */
  private recordAesthetic(file: string, sha256: string, custom: boolean, url: string): void {
    this.ctx.store.runs.recordModelLoad({
      runId: this.ctx.runId,
      role: 'scoring',
      model: MODEL_REGISTRY.scoring.aesthetic.key,
      repo: custom ? null : url,
      revision: null,
      modelDir: file,
      status: 'loaded',
      errorCode: null,
      errorMessage: null,
      loadMs: null,
      source: custom ? 'local' : 'url',
      fingerprint: `sha256:${sha256}`,
    });
  }

  private recordLoad(source: { repo: string; revision: string }, dir: string | null, started: number, err: unknown, model = MODEL_REGISTRY.scoring.clip.key): void {
    this.ctx.store.runs.recordModelLoad({
      runId: this.ctx.runId,
      role: 'scoring',
      model,
      repo: source.repo,
      revision: source.revision,
      modelDir: dir,
      status: err === null ? 'loaded' : 'load-failed',
      errorCode: err === null ? null : errorCode(err, 'ERR_MODEL_LOAD'),
      errorMessage: err === null ? null : errorMessage(err),
      loadMs: performance.now() - started,
    });
  }
}
