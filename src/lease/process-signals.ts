import { LeaseError } from './errors.js';
import type { HeldLease } from './held-lease.js';

interface Holding {
  lease: HeldLease;
  /** Resolves once the holder's work has settled and the lease is released. */
  settled: Promise<void>;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const holdings = new Set<Holding>();
let handling = false;

/*
 * Handlers exist only while some lease is held (and briefly after), so a process that holds
 * nothing keeps Node's default signal behaviour. On a signal every holder is interrupted
 * through lease.signal, and each lease is released only after its work settled (never while our kernels still run). Then
 * the signal is raised again so the process ends as it would have — unless the application
 * has listeners of its own, in which case exiting is its decision. A second signal releases
 * at once without waiting for the work.
 */
function onSignal(signal: NodeJS.Signals): void {
  const ownedByApp = process.listeners(signal).some((listener) => listener !== onSignal);
  const current = [...holdings];
  let done: Promise<unknown>;
  if (handling) {
    done = Promise.all(current.map((h) => h.lease.release()));
  } else {
    const reason = new LeaseError('ERR_LEASE_SIGNAL', `received ${signal}`);
    for (const h of current) h.lease.interrupt(reason);
    done = Promise.all(current.map((h) => h.settled));
  }
  handling = true;
  void done.then(() => {
    handling = false;
    if (ownedByApp) return;
    uninstall();
    process.kill(process.pid, signal);
  });
}

/**
 * Handlers stay installed this long after the last lease ends: the benchmark takes one lease
 * per image, and re-installing them each time cost ~0.06 ms per image. Meanwhile a signal
 * finds no holding and is raised again at once, as without handlers.
 */
const LINGER_MS = 1000;
let installed = false;
let uninstallTimer: NodeJS.Timeout | undefined;

function install(): void {
  clearTimeout(uninstallTimer);
  uninstallTimer = undefined;
  if (installed) return;
  for (const s of SIGNALS) process.on(s, onSignal);
  installed = true;
}

function uninstall(): void {
  clearTimeout(uninstallTimer);
  uninstallTimer = undefined;
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  installed = false;
}

/** Registers a held lease for SIGINT/SIGTERM handling; the returned function unregisters it. */
export function releaseOnSignals(lease: HeldLease, settled: Promise<void>): () => void {
  const holding = { lease, settled };
  install();
  holdings.add(holding);
  return () => {
    holdings.delete(holding);
    if (holdings.size > 0 || uninstallTimer) return;
    uninstallTimer = setTimeout(uninstall, LINGER_MS);
    uninstallTimer.unref();
  };
}
