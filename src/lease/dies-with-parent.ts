import { spawnSync } from 'node:child_process';

/**
 * How `ppbench lease exec` makes its command die with it (issue #19, finding 2): a command that
 * outlives a kill -9'ed `lease exec` would keep using the GPU while the other side takes the
 * lease over as stale.
 *
 * On Linux the command is started through util-linux `setpriv --pdeathsig KILL`, which sets
 * PR_SET_PDEATHSIG and then execs it: the kernel sends SIGKILL to the command the moment the
 * `lease exec` process dies, however it dies. Node spawns from its main thread, which lives
 * as long as the process, so the signal is not sent early. Not covered: processes the command
 * itself starts (they need their own guard, e.g. `setpriv` again or a process group the
 * command kills), and a `lease exec` killed in the microseconds between fork and prctl.
 * Without setpriv (not Linux, or util-linux missing) the command is started directly and
 * `lease exec` warns once that a kill -9 would leave it running.
 */
export interface GuardedCommand {
  file: string;
  args: string[];
  /** false when no parent-death guard is available here (the caller warns). */
  guarded: boolean;
}

let setprivWorks: boolean | undefined;

function hasSetpriv(): boolean {
  if (setprivWorks === undefined) {
    setprivWorks =
      process.platform === 'linux' &&
      spawnSync('setpriv', ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0;
  }
  return setprivWorks;
}

export function guardedCommand(file: string, args: string[]): GuardedCommand {
  if (!hasSetpriv()) return { file, args, guarded: false };
  return { file: 'setpriv', args: ['--pdeathsig', 'KILL', '--', file, ...args], guarded: true };
}
