import { CodedError } from '../errors/coded-error.js';

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

/**
 * Every C++ exception reaching the addon boundary becomes one of these. The addon constructs
 * it as `new NativeEngineError(message, code)` (native/addon/js_error.cpp), hence the order.
 */
export class NativeEngineError extends CodedError<NativeErrorCode> {
  override readonly name = 'NativeEngineError';
  constructor(message: string, code: NativeErrorCode) {
    super(code, message);
  }
}

/** The addon is missing or cannot be loaded (not built, wrong libtorch). */
export class AddonLoadError extends CodedError<'ERR_ADDON_LOAD'> {
  override readonly name = 'AddonLoadError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ADDON_LOAD', message, options);
  }
}
