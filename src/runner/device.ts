/** What the run records about the machine (runs.device_json, runs.libtorch_version). */
export interface DeviceInfo {
  device: string;
  name: string | null;
  libtorchVersion: string | null;
  cudaVersion?: string | null;
  totalMemory?: number | null;
  /** Whether the engine's libtorch was built with CUDA. */
  cudaBuild?: boolean;
  /** Intra-op threads of the engine (CPU runs scale with them). */
  threads?: number | null;
}

export interface Device {
  info(): DeviceInfo;
  /** Returns cached blocks to the driver (a real no-op on CPU builds). */
  emptyCache(): Promise<void> | void;
}
