import type { ImageResult, ModelLoadRecord, RunRow } from './rows.js';

/** One flat record per image, the shape of `ppbench export` (CSV columns, JSON objects). */
export interface ExportRow {
  run_id: string;
  model: string;
  prompt_id: string;
  seed_index: number;
  seed: number;
  status: string;
  prompt: string;
  negative_prompt: string | null;
  steps: number;
  guidance: number;
  width: number;
  height: number;
  scheduler: string;
  clip_score: number | null;
  clip_cosine: number | null;
  aesthetic: number | null;
  latency_ms: number | null;
  lease_wait_ms: number | null;
  peak_memory_bytes: number | null;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  file_path: string | null;
  timings: Record<string, unknown> | null;
  /** Provenance: where the number came from (null where the run predates it or it is unknown). */
  category: string | null;
  demo: boolean | null;
  device: string | null;
  dtype: string | null;
  libtorch: string | null;
  threads: number | null;
  /** registry | local | demo: how the model's weights were found. */
  source: string | null;
}

/** The run and its model loads, for the provenance columns. */
export interface ExportContext {
  run?: Pick<RunRow, 'id' | 'demo' | 'device' | 'dtype' | 'libtorchVersion' | 'threads'>;
  loads?: readonly ModelLoadRecord[];
}

export function toExportRows(results: readonly ImageResult[], context: ExportContext = {}): ExportRow[] {
  const { run, loads = [] } = context;
  // The last load of a model is the one its newest images came from.
  const sourceOf = (model: string) => loads.filter((l) => l.role === 'generation' && l.model === model && l.status === 'loaded').at(-1)?.source ?? null;
  return results.map((r) => ({
    run_id: r.runId,
    model: r.model,
    prompt_id: r.promptId,
    seed_index: r.seedIndex,
    seed: r.seed,
    status: r.status,
    prompt: r.prompt,
    negative_prompt: r.negativePrompt,
    steps: r.steps,
    guidance: r.guidance,
    width: r.width,
    height: r.height,
    scheduler: r.scheduler,
    clip_score: r.scores.clip_score ?? null,
    clip_cosine: r.scores.clip_cosine ?? null,
    aesthetic: r.scores.aesthetic ?? null,
    latency_ms: r.latencyMs,
    lease_wait_ms: r.leaseWaitMs,
    peak_memory_bytes: r.peakMemoryBytes,
    attempts: r.attempts,
    error_code: r.errorCode,
    error_message: r.errorMessage,
    file_path: r.filePath,
    timings: r.timings,
    category: r.category ?? null,
    demo: run?.demo ?? null,
    device: run?.device ?? null,
    dtype: run?.dtype ?? null,
    libtorch: run?.libtorchVersion ?? null,
    threads: run?.threads ?? null,
    source: sourceOf(r.model),
  }));
}

/** CSV column order: identity, settings, scores, costs, diagnostics. */
const CSV_COLUMNS: ReadonlyArray<keyof ExportRow> = [
  'run_id', 'model', 'prompt_id', 'seed_index', 'seed', 'status', 'prompt', 'negative_prompt', 'steps', 'guidance',
  'width', 'height', 'scheduler', 'clip_score', 'clip_cosine', 'aesthetic', 'latency_ms', 'lease_wait_ms',
  'peak_memory_bytes', 'attempts', 'error_code', 'error_message', 'file_path', 'timings',
  // Provenance, appended so existing column positions hold.
  'category', 'demo', 'device', 'dtype', 'libtorch', 'threads', 'source',
];

/**
 * RFC 4180 CSV. NULL is an empty unquoted field and an empty string is `""` (PostgreSQL's
 * convention), so "no negative prompt" and "empty negative prompt" stay distinct.
 */
export function toCsv(rows: readonly ExportRow[]): string {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return text === '' || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [CSV_COLUMNS.join(','), ...rows.map((row) => CSV_COLUMNS.map((k) => cell(row[k])).join(','))].join('\r\n') + '\r\n';
}
