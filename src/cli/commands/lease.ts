import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { guardedCommand } from '../../lease/dies-with-parent.js';
import { LeaseError, withGpuLease, type LeaseOwner, type LeaseState } from '../../lease/index.js';

interface ExecOptions {
  owner: LeaseOwner;
  maxWaitMs?: number;
  label?: string;
  json?: boolean;
}

/** What `--json` prints, as one line on stderr (stdout belongs to the command). */
interface ExecReport {
  owner: LeaseOwner;
  leaseId: string | null;
  statusPath: string | null;
  waitedMs: number | null;
  overlap: boolean;
  /** The lease's state when the command exited: held, preempted by the backend, or lost. Null if never acquired. */
  endedAs: LeaseState | null;
  exitCode: number;
  signal: NodeJS.Signals | null;
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got ${value}`);
  return n;
}

/** Shell convention for a process ended by a signal. */
const signalExitCode = (signal: NodeJS.Signals): number => 128 + (constants.signals[signal] ?? 0);

export function registerLease(program: Command): void {
  const lease = program.command('lease').description('hold the GPU lease shared with the backend (LEASE.md)');
  lease
    .command('exec')
    .description(
      'acquire the GPU lease, run <command> with inherited stdio, release the lease however it ends ' +
        '(failure, SIGINT, SIGTERM) and exit with its exit code; ' +
        'a preempted or lost benchmark lease sends the command SIGTERM; ' +
        'if this process is killed (even kill -9) the command is killed too (Linux, setpriv --pdeathsig)',
    )
    .addOption(
      new Option('--owner <owner>', 'who uses the GPU').choices(['backend', 'benchmark']).makeOptionMandatory(),
    )
    .option(
      '--max-wait-ms <n>',
      'backend: how long to wait for the benchmark to yield before overlapping (above staleMs, 1500)',
      parsePositiveInt,
    )
    .option('--label <text>', 'shown in status.json and events, e.g. model/prompt/seed')
    .option(
      '--json',
      'after the command ends, print {owner, leaseId, waitedMs, overlap, endedAs, exitCode, signal, …} ' +
        'as one JSON line on stderr',
    )
    .argument('<command...>', 'the command and its arguments (put them after --)')
    .action(async (command: string[], opts: ExecOptions) => {
      const report = await execUnderLease(command, opts);
      if (opts.json) process.stderr.write(`${JSON.stringify(report)}\n`);
      process.exitCode = report.exitCode;
    });
}

async function execUnderLease([file, ...args]: string[], opts: ExecOptions): Promise<ExecReport> {
  const report: ExecReport = {
    owner: opts.owner,
    leaseId: null,
    statusPath: null,
    waitedMs: null,
    overlap: false,
    endedAs: null,
    exitCode: 1,
    signal: null,
  };
  const acquiring = new AbortController();
  let child: ChildProcess | undefined;
  // Our own handlers (withGpuLease's are off): the command gets the signal and decides when it
  // is done; the lease is released after it exits, and we exit with its code.
  const onSignal = (signal: NodeJS.Signals): void => {
    report.signal ??= signal;
    if (child) child.kill(signal);
    else acquiring.abort(new LeaseError('ERR_LEASE_SIGNAL', `received ${signal} while waiting for the GPU lease`));
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    await withGpuLease(
      opts.owner,
      async (lease) => {
        report.leaseId = lease.id;
        report.statusPath = lease.path;
        report.waitedMs = lease.waitedMs;
        report.overlap = lease.overlap;
        if (report.signal) {
          // The signal arrived between acquiring and starting the command: do not start it.
          report.exitCode = signalExitCode(report.signal);
          return;
        }
        const exit = await runChild(file!, args, (c) => {
          child = c;
          lease.signal.addEventListener('abort', () => c.kill('SIGTERM'), { once: true });
        });
        report.endedAs = lease.state;
        report.exitCode = exit.code ?? signalExitCode(exit.signal ?? 'SIGTERM');
        report.signal = exit.signal ?? report.signal;
      },
      { maxWaitMs: opts.maxWaitMs, label: opts.label, signal: acquiring.signal, handleSignals: false },
    );
  } catch (err) {
    if (!acquiring.signal.aborted) throw err;
    report.exitCode = signalExitCode(report.signal ?? 'SIGTERM');
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
  return report;
}

interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function runChild(file: string, args: string[], started: (child: ChildProcess) => void): Promise<ChildExit> {
  return new Promise((resolve) => {
    const cannotRun = (message: string, code: number): void => {
      process.stderr.write(`ppbench lease exec: cannot run ${file}: ${message}\n`);
      resolve({ code, signal: null });
    };
    const guarded = guardedCommand(file, args);
    if (guarded.guarded) {
      // setpriv reports a missing command itself, in its own words: check first so the message
      // and the shell's exit codes (127 not found, 126 not executable) stay ours.
      const problem = executableProblem(file);
      if (problem) return cannotRun(problem.message, problem.code);
    } else {
      warnUnguardedOnce();
    }
    const child = spawn(guarded.file, guarded.args, { stdio: 'inherit' });
    started(child);
    child.once('error', (err: NodeJS.ErrnoException) => cannotRun(err.message, err.code === 'ENOENT' ? 127 : 126));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

let warnedUnguarded = false;
function warnUnguardedOnce(): void {
  if (warnedUnguarded) return;
  warnedUnguarded = true;
  process.stderr.write(
    'ppbench lease exec: warning: setpriv (util-linux) is not available: if this process is killed with ' +
      'SIGKILL the command keeps running while the lease goes stale\n',
  );
}

/** Why `file` cannot be executed (searched on PATH like execvp), or null when it can. */
function executableProblem(file: string): { message: string; code: number } | null {
  const candidates = file.includes('/')
    ? [file]
    : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, file));
  let found = false;
  for (const candidate of candidates) {
    try {
      accessSync(candidate, fsConstants.F_OK);
      found = true;
      accessSync(candidate, fsConstants.X_OK);
      return null;
    } catch {
      // try the next PATH entry
    }
  }
  return found ? { message: 'permission denied', code: 126 } : { message: 'not found', code: 127 };
}
