import type Database from 'better-sqlite3';
import type { ImageRecord, ImageResult, ImageRow, ImageStatus, ScoreMetric } from './rows.js';

interface ImageSqlRow {
  id: number;
  run_id: string;
  model: string;
  prompt_id: string;
  seed_index: number;
  seed: number;
  prompt: string;
  negative_prompt: string | null;
  steps: number;
  guidance: number;
  width: number;
  height: number;
  scheduler: string;
  file_path: string | null;
  timings_json: string | null;
  latency_ms: number | null;
  lease_wait_ms: number | null;
  peak_memory_bytes: number | null;
  status: ImageStatus;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
  category: string | null;
}

export const toImageRow = (r: ImageSqlRow): ImageRow => ({
  id: r.id,
  runId: r.run_id,
  model: r.model,
  promptId: r.prompt_id,
  seedIndex: r.seed_index,
  seed: r.seed,
  prompt: r.prompt,
  negativePrompt: r.negative_prompt,
  steps: r.steps,
  guidance: r.guidance,
  width: r.width,
  height: r.height,
  scheduler: r.scheduler,
  filePath: r.file_path,
  timings: r.timings_json === null ? null : (JSON.parse(r.timings_json) as ImageRow['timings']),
  latencyMs: r.latency_ms,
  leaseWaitMs: r.lease_wait_ms,
  peakMemoryBytes: r.peak_memory_bytes,
  status: r.status,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  category: r.category,
  attempts: r.attempts,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** `<prompt id>#<seed index>`: an image's key within one run and model. */
export const unitKey = (promptId: string, seedIndex: number): string => `${promptId}#${seedIndex}`;

export interface ImageState {
  status: ImageStatus;
  attempts: number;
}

export class ImagesTable {
  private readonly upsert: Database.Statement;
  private readonly dropScores: Database.Statement;
  private readonly recordTx: (image: ImageRecord) => number;

  constructor(private readonly db: Database.Database) {
    // One row per (run, model, prompt, seed index), whatever happens: a new attempt overwrites
    // the last one and counts itself in `attempts`.
    this.upsert = db.prepare(
      `INSERT INTO images (run_id, model, prompt_id, seed_index, seed, prompt, negative_prompt, steps, guidance, width, height,
         scheduler, file_path, timings_json, latency_ms, lease_wait_ms, peak_memory_bytes, status, error_code, error_message,
         category, attempts, created_at, updated_at)
       VALUES (@runId, @model, @promptId, @seedIndex, @seed, @prompt, @negativePrompt, @steps, @guidance, @width, @height,
         @scheduler, @filePath, @timingsJson, @latencyMs, @leaseWaitMs, @peakMemoryBytes, @status, @errorCode, @errorMessage,
         @category, 1, @now, @now)
       ON CONFLICT (run_id, model, prompt_id, seed_index) DO UPDATE SET
         seed = excluded.seed, prompt = excluded.prompt, negative_prompt = excluded.negative_prompt, steps = excluded.steps,
         guidance = excluded.guidance, width = excluded.width, height = excluded.height, scheduler = excluded.scheduler,
         file_path = excluded.file_path, timings_json = excluded.timings_json, latency_ms = excluded.latency_ms,
         lease_wait_ms = excluded.lease_wait_ms, peak_memory_bytes = excluded.peak_memory_bytes, status = excluded.status,
         error_code = excluded.error_code, error_message = excluded.error_message, category = excluded.category, attempts = images.attempts + 1,
         updated_at = excluded.updated_at
       RETURNING id`,
    );
    this.dropScores = db.prepare('DELETE FROM scores WHERE image_id = ?');
    // Prepared once: this runs after every image, inside the runner's per-image overhead.
    this.recordTx = db.transaction((image: ImageRecord) => {
      const { id } = this.upsert.get({
        ...image,
        category: image.category ?? null,
        timingsJson: image.timings === null ? null : JSON.stringify(image.timings),
        now: new Date().toISOString(),
      }) as { id: number };
      this.dropScores.run(id);
      return id;
    });
  }

  /** Records one attempt; returns the image id. Scores of an earlier attempt are dropped. */
  record(image: ImageRecord): number {
    return this.recordTx(image);
  }

  /** What is already known about each image of a model in a run, by unitKey. */
  states(runId: string, model: string): Map<string, ImageState> {
    const rows = this.db
      .prepare('SELECT prompt_id, seed_index, status, attempts FROM images WHERE run_id = ? AND model = ?')
      .all(runId, model) as Array<{ prompt_id: string; seed_index: number; status: ImageStatus; attempts: number }>;
    return new Map(rows.map((r) => [unitKey(r.prompt_id, r.seed_index), { status: r.status, attempts: r.attempts }]));
  }

  list(runId: string, model?: string): ImageRow[] {
    const rows = (
      model === undefined
        ? this.db.prepare('SELECT * FROM images WHERE run_id = ? ORDER BY model, prompt_id, seed_index').all(runId)
        : this.db.prepare('SELECT * FROM images WHERE run_id = ? AND model = ? ORDER BY prompt_id, seed_index').all(runId, model)
    ) as ImageSqlRow[];
    return rows.map(toImageRow);
  }

  /** ok images not scored yet (new, recovered from a file, or whose scoring batch was preempted). */
  unscored(runId: string, model: string): ImageRow[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM images WHERE run_id = ? AND model = ? AND status = 'ok'
           AND NOT EXISTS (SELECT 1 FROM scores WHERE scores.image_id = images.id AND scores.metric = 'clip_cosine')
           ORDER BY prompt_id, seed_index`,
        )
        .all(runId, model) as ImageSqlRow[]
    ).map(toImageRow);
  }

  /** Images with their scores, for export and the summary. */
  results(runId: string): ImageResult[] {
    const scores = this.db
      .prepare('SELECT s.image_id, s.metric, s.value FROM scores s JOIN images i ON i.id = s.image_id WHERE i.run_id = ?')
      .all(runId) as Array<{ image_id: number; metric: ScoreMetric; value: number }>;
    const byImage = new Map<number, ImageResult['scores']>();
    for (const s of scores) {
      const entry = byImage.get(s.image_id) ?? {};
      entry[s.metric] = s.value;
      byImage.set(s.image_id, entry);
    }
    return this.list(runId).map((row) => ({ ...row, scores: byImage.get(row.id) ?? {} }));
  }
}
