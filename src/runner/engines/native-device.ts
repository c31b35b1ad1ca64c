import { isGpuDevice } from '../../config/run-config.js';
import { device as nativeDevice } from '../../native/binding.js';
import type { Device, DeviceInfo } from '../device.js';
import { RunnerError } from '../errors.js';

/**
 * The addon's device: what the run records (libtorch version, device name, memory, threads)
 * and the cache flush after each image. The config's thread count is applied on first use. Asking for CUDA on a build or machine without it
 * fails here, before the run starts, rather than once per model.
 */
export function createNativeDevice(configDevice: string, options: { threads?: number } = {}): Device {
  let cached: DeviceInfo | undefined;
  return {
    info(): DeviceInfo {
      if (cached) return cached;
      if (options.threads !== undefined) nativeDevice.setThreads(options.threads);
      const d = nativeDevice.info();
      if (isGpuDevice(configDevice) && !d.cudaAvailable) {
        throw new RunnerError(
          'ERR_ENGINE_UNAVAILABLE',
          `the config asks for device "${configDevice}" but the native addon's libtorch ${d.torchVersion} ` +
            (d.cudaBuild ? 'sees no CUDA device' : 'is a CPU build') +
            ': run on a CUDA build (README "CUDA build"), or set "device": "cpu" in the run config',
        );
      }
      cached = {
        device: configDevice,
        name: d.deviceName,
        libtorchVersion: d.torchVersion,
        cudaBuild: d.cudaBuild,
        totalMemory: isGpuDevice(configDevice) ? d.totalMemory : null,
        threads: d.threads,
      };
      return cached;
    },
    emptyCache(): void {
      nativeDevice.emptyCache();
    },
  };
}
