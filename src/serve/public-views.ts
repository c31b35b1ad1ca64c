import type { GpuStatus, GpuStatusEntry } from '../lease/index.js';
import type { ModelState } from './model-pool.js';
import type { ServerHealth } from './server-api.js';

/*
 * What /healthz and /gpu-status show a client without --expose-details (issue #19, finding 6):
 * no file paths (model folders, the lease file), no host names or process ids, no raw error
 * messages (they name files). The operator sees all of it in the log, `ppbench status` and
 * `server.health()`.
 */

export type PublicModelState = Omit<ModelState, 'dir' | 'lastError'> & { lastError?: { code: string } };
export type PublicHealth = Omit<ServerHealth, 'gpuCoordPath' | 'models'> & { models: PublicModelState[] };

export function publicHealth(health: ServerHealth): PublicHealth {
  const { gpuCoordPath: _path, models, ...rest } = health;
  return {
    ...rest,
    models: models.map(({ dir: _dir, lastError, ...m }) => ({ ...m, ...(lastError ? { lastError: { code: lastError.code } } : {}) })),
  };
}

export type PublicGpuStatusEntry = Omit<GpuStatusEntry, 'host' | 'pid'>;
export type PublicGpuStatus = Omit<GpuStatus, 'path' | 'holders' | 'want'> & {
  holders: PublicGpuStatusEntry[];
  want: PublicGpuStatusEntry[];
};

const withoutProcess = ({ host: _host, pid: _pid, ...entry }: GpuStatusEntry): PublicGpuStatusEntry => entry;

export function publicGpuStatus(status: GpuStatus): PublicGpuStatus {
  const { path: _path, holders, want, ...rest } = status;
  return { ...rest, holders: holders.map(withoutProcess), want: want.map(withoutProcess) };
}
