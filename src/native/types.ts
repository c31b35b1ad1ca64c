/** Typed description of the raw addon (build/Release/ppdiffusion.node). Only binding.ts loads it. */
import type { NativeErrorCode } from './errors.js';

export type TensorDtype =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool';

/** A tensor crossing the boundary (data is copied). float16/bfloat16 travel as raw Uint16Array bits. */
export interface NativeTensor {
  dtype: TensorDtype;
  shape: number[];
  data: Float32Array | Float64Array | Uint16Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
}

export type TensorMap = Record<string, NativeTensor>;

export interface DeviceInfo {
  torchVersion: string;
  cudaBuild: boolean;
  cudaAvailable: boolean;
  deviceCount: number;
  deviceName: string;
  capability: [number, number];
  totalMemory: number;
  threads: number;
  buildConfig: string;
}

/** On CPU: `cuda: false`, allocated = current RSS, peakAllocated = peak RSS, reserved = 0. */
export interface MemoryStats {
  cuda: boolean;
  allocated: number;
  reserved: number;
  peakAllocated: number;
  peakReserved: number;
}

export interface RawDeviceApi {
  info(): DeviceInfo;
  /** `flushed: false` when there is nothing to flush (CPU build or no CUDA device). */
  emptyCache(): { flushed: boolean };
  synchronize(): { synchronized: boolean };
  memoryStats(options?: { resetPeak?: boolean }): MemoryStats;
  setThreads(options: { threads: number }): void;
}

export interface RawTensorsApi {
  load(path: string): Promise<TensorMap>;
  save(path: string, tensors: TensorMap): Promise<void>;
}

export interface RawDiagnosticsApi {
  /** Seeded N(0,1) from a per-call CPU generator: the same stream as torch.Generator('cpu').manual_seed(seed). */
  randn(options: { shape: number[]; seed: number }): Promise<NativeTensor>;
  matmul(options: { a: number[]; b: number[]; device?: string; dtype?: string }): Promise<{ ms: number; sum: number }>;
}

export interface RawAddon {
  setErrorConstructor(ctor: new (message: string, code: NativeErrorCode) => Error): void;
  device: RawDeviceApi;
  tensors: RawTensorsApi;
  diagnostics: RawDiagnosticsApi;
}
