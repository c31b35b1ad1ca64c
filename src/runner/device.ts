/** What the run records about the machine (runs.device_json, runs.libtorch_version). */
export interface DeviceInfo {
  device: string;
  name: string | null;
  libtorchVersion: string | null;
  cudaVersion?: string | null;
  totalMemory?: number | null;
}

export interface Device {
  info(): DeviceInfo;
  /** Returns cached blocks to the driver (a real no-op on CPU builds). */
  emptyCache(): Promise<void> | void;
}
