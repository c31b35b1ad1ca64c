export type RunStatus = 'running' | 'completed' | 'incomplete' | 'interrupted' | 'failed';
export type ImageStatus = 'ok' | 'failed' | 'preempted' | 'interrupted';

export interface RunRow {
  id: string;
  configJson: string;
  identity: string;
  /** `k/n`, or null for an unsharded (or merged) run. */
  shard: string | null;
  gitRevision: string | null;
  host: string | null;
  deviceJson: string | null;
  libtorchVersion: string | null;
  startedAt: string;
  endedAt: string | null;
  status: RunStatus;
  /** Provenance (schema v2); null in runs recorded before it, or where unknown. */
  demo?: boolean | null;
  device?: string | null;
  dtype?: string | null;
  threads?: number | null;
  /** Models a `--skip-missing` run left out on purpose. */
  skippedModels?: string[] | null;
}

export interface ModelLoadRecord {
  runId: string;
  role: 'generation' | 'scoring';
  model: string;
  repo: string | null;
  revision: string | null;
  modelDir: string | null;
  status: 'loaded' | 'load-failed';
  errorCode: string | null;
  errorMessage: string | null;
  loadMs: number | null;
  /** 'registry' | 'local' | 'demo' | 'url' (schema v2); null before it. */
  source?: string | null;
  /** Content fingerprint of a local folder or weight file (schema v2). */
  fingerprint?: string | null;
}

export type Timings = Record<string, number | number[] | undefined>;

/** Everything the runner knows about one attempt at one image. */
export interface ImageRecord {
  runId: string;
  model: string;
  promptId: string;
  seedIndex: number;
  seed: number;
  prompt: string;
  negativePrompt: string | null;
  steps: number;
  guidance: number;
  width: number;
  height: number;
  scheduler: string;
  /** Relative to the results dir; set only when status is ok. */
  filePath: string | null;
  timings: Timings | null;
  latencyMs: number | null;
  leaseWaitMs: number | null;
  peakMemoryBytes: number | null;
  status: ImageStatus;
  errorCode: string | null;
  errorMessage: string | null;
  /** The prompt's category in the prompt file (schema v2); null before it. */
  category?: string | null;
}

export interface ImageRow extends ImageRecord {
  id: number;
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

/** Metrics the scorer writes today; the scores table takes any name (reports show every metric). */
export type KnownScoreMetric = 'clip_score' | 'clip_cosine' | 'aesthetic';
export type ScoreMetric = KnownScoreMetric | (string & {});

/** An image with its scores (absent until scored). */
export interface ImageResult extends ImageRow {
  scores: Partial<Record<ScoreMetric, number>>;
}

/** A lease event as the lease library writes it to events.jsonl (LEASE.md). */
export interface LeaseEventRecord {
  id: string;
  ts: string;
  type: string;
  owner: string;
  leaseId?: string;
  pid?: number;
  host?: string;
  label?: string;
  waitedMs?: number;
  heldMs?: number;
  detail?: Record<string, unknown>;
}
