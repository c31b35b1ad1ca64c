/** Stable error codes raised by the native engine (see native/engine/core/error.h). */
export const NATIVE_ERROR_CODES = [
  'ERR_INVALID_ARG',
  'ERR_MODEL_LOAD',
  'ERR_CUDA_OOM',
  'ERR_CANCELLED',
  'ERR_TORCH',
  'ERR_IO',
  'ERR_INTERNAL',
] as const;
export type NativeErrorCode = (typeof NATIVE_ERROR_CODES)[number];

/** Every C++ exception reaching the addon boundary becomes one of these. */
export class NativeEngineError extends Error {
  readonly code: NativeErrorCode;
  constructor(message: string, code: NativeErrorCode) {
    super(message);
    this.name = 'NativeEngineError';
    this.code = code;
  }
}

/** The addon is missing or cannot be loaded (not built, wrong libtorch). */
export class AddonLoadError extends Error {
  readonly code = 'ERR_ADDON_LOAD';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AddonLoadError';
  }
}
