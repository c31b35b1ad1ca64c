import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { projectRoot } from '../config/project-root.js';
import type { RunRow } from '../store/rows.js';
import type { DeviceInfo } from './device.js';

let revision: string | null | undefined;

/**
 * The checkout's commit (with `-dirty` when it has local changes), or null outside git. Asked
 * once per process: `git status` takes a while on a large tree, and the answer serves every run.
 */
export function gitRevision(): string | null {
  if (revision !== undefined) return revision;
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', 'HEAD');
    revision = git('status', '--porcelain', '--untracked-files=no') === '' ? head : `${head}-dirty`;
  } catch {
    revision = null;
  }
  return revision;
}

/** What a run row records about where it ran. */
export function machineInfo(device: DeviceInfo): Pick<RunRow, 'gitRevision' | 'host' | 'deviceJson' | 'libtorchVersion'> {
  return {
    gitRevision: gitRevision(),
    host: os.hostname(),
    deviceJson: JSON.stringify(device),
    libtorchVersion: device.libtorchVersion,
  };
}
