import { performance } from 'node:perf_hooks';

interface ModelProgress {
  total: number;
  done: number;
  doneBefore: number;
  startedAt: number | null;
}

export interface Rate {
  done: number;
  total: number;
  /** Images per second in this session; null before the first one. */
  perSecond: number | null;
  etaSeconds: number | null;
}

/** Counts per model and overall, and the session's rate and ETA from them. */
export class ProgressState {
  private readonly models = new Map<string, ModelProgress>();
  private readonly startedAt = performance.now();
  current: string | null = null;

  constructor(models: ReadonlyArray<{ key: string; total: number; done: number }>) {
    for (const m of models) this.models.set(m.key, { total: m.total, done: m.done, doneBefore: m.done, startedAt: null });
  }

  startModel(key: string): void {
    this.current = key;
    const m = this.models.get(key);
    if (m) m.startedAt = performance.now();
  }

  /** An image reached a final state (ok, failed, or recovered from its file). */
  completed(key: string): void {
    const m = this.models.get(key);
    if (m) m.done = Math.min(m.total, m.done + 1);
  }

  model(key: string): Rate {
    const m = this.models.get(key);
    if (!m) return { done: 0, total: 0, perSecond: null, etaSeconds: null };
    return rate(m.done, m.total, m.done - m.doneBefore, m.startedAt);
  }

  overall(): Rate {
    let done = 0;
    let total = 0;
    let session = 0;
    for (const m of this.models.values()) {
      done += m.done;
      total += m.total;
      session += m.done - m.doneBefore;
    }
    return rate(done, total, session, this.startedAt);
  }
}

function rate(done: number, total: number, session: number, since: number | null): Rate {
  const seconds = since === null ? 0 : (performance.now() - since) / 1000;
  const perSecond = session > 0 && seconds > 0 ? session / seconds : null;
  return { done, total, perSecond, etaSeconds: perSecond === null ? null : (total - done) / perSecond };
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export const formatRate = (r: Rate): string =>
  r.perSecond === null ? '-- img/s' : r.perSecond >= 1 ? `${r.perSecond.toFixed(1)} img/s` : `${(60 * r.perSecond).toFixed(1)} img/min`;
