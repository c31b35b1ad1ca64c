import { z } from 'zod';
import { resolveCoordPath } from './coord-path.js';
import { LeaseError } from './errors.js';

const ms = (fallback: number) => z.number().int().positive().default(fallback);

/**
 * LEASE.md "Timing defaults". The order matters: a holder must heartbeat several times per
 * stale period, and a killed holder must go stale before the backend's bounded wait runs out,
 * so that crash recovery takes the stale path rather than the overlap path.
 */
const timingShape = {
  pollMs: ms(50),
  heartbeatMs: ms(250),
  staleMs: ms(1500),
  maxWaitMs: ms(2000),
  maxHoldMs: ms(600_000),
  /** Age after which the read-modify-write lock file is judged abandoned (≤ staleMs). */
  lockStaleMs: z.number().int().positive().optional(),
  /**
   * How long an empty or unreadable status.json must stay unchanged before it counts as free
   * (default 2 × pollMs): a backend rewriting the file in place leaves it empty for a moment.
   */
  settleMs: z.number().int().positive().optional(),
};

const ORDER = ['pollMs', 'heartbeatMs', 'staleMs', 'maxWaitMs', 'maxHoldMs'] as const;

const optionsSchema = z
  .object({
    ...timingShape,
    path: z.string().min(1).optional(),
    label: z.string().max(200).optional(),
    /** events.jsonl is rotated to events.jsonl.1 when it would grow past this. */
    maxEventsBytes: z.number().int().min(4096).default(1 << 20),
    warn: z.custom<(message: string) => void>((v) => typeof v === 'function').optional(),
    /** Aborts a pending acquire (a holder is stopped through lease.signal instead). */
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal).optional(),
    /** withGpuLease: release on SIGINT/SIGTERM, then re-raise the signal (see process-signals.ts). */
    handleSignals: z.boolean().default(true),
  })
  .strict()
  .superRefine((o, ctx) => {
    for (let i = 1; i < ORDER.length; i++) {
      const lower = ORDER[i - 1]!;
      const upper = ORDER[i]!;
      if (o[upper] <= o[lower]) {
        ctx.addIssue({
          code: 'custom',
          path: [upper],
          message: `must be greater than ${lower} (${o[lower]}), got ${o[upper]}`,
        });
      }
    }
    const settleMs = o.settleMs ?? 2 * o.pollMs;
    const lockStaleMs = o.lockStaleMs ?? Math.floor(o.staleMs / 2);
    // A locked write may wait out the settle time while it holds the lock.
    if (settleMs >= lockStaleMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['settleMs'],
        message: `must be less than lockStaleMs (${lockStaleMs}), got ${settleMs}`,
      });
    }
    if (o.lockStaleMs !== undefined && o.lockStaleMs > o.staleMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['lockStaleMs'],
        message: `must be at most staleMs (${o.staleMs}), got ${o.lockStaleMs}`,
      });
    }
  });

export type LeaseOptions = z.input<typeof optionsSchema>;

export interface LeaseTiming {
  pollMs: number;
  heartbeatMs: number;
  staleMs: number;
  maxWaitMs: number;
  maxHoldMs: number;
  lockStaleMs: number;
  settleMs: number;
}

export interface ResolvedLeaseOptions {
  path: string;
  label?: string;
  timing: LeaseTiming;
  maxEventsBytes: number;
  warn: (message: string) => void;
  signal?: AbortSignal;
  handleSignals: boolean;
}

const defaultWarn = (message: string): void => {
  process.emitWarning(message, 'GpuLeaseWarning');
};

export function resolveLeaseOptions(options: LeaseOptions = {}): ResolvedLeaseOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(options)'} ${issue.message}`)
      .join('; ');
    throw new LeaseError('ERR_LEASE_OPTIONS', `Invalid GPU lease options: ${problems}`);
  }
  const o = parsed.data;
  return {
    path: o.path ?? resolveCoordPath(),
    label: o.label,
    timing: {
      pollMs: o.pollMs,
      heartbeatMs: o.heartbeatMs,
      staleMs: o.staleMs,
      maxWaitMs: o.maxWaitMs,
      maxHoldMs: o.maxHoldMs,
      // The lock guards milliseconds of work; half the stale bound leaves room for a slow disk
      // while a lock left by a killed process is still broken before its lease goes stale.
      lockStaleMs: o.lockStaleMs ?? Math.floor(o.staleMs / 2),
      settleMs: o.settleMs ?? 2 * o.pollMs,
    },
    maxEventsBytes: o.maxEventsBytes,
    warn: o.warn ?? defaultWarn,
    signal: o.signal,
    handleSignals: o.handleSignals,
  };
}
