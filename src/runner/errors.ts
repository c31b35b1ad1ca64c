import { CodedError } from '../errors/coded-error.js';

/**
 * Codes the runner branches on. The engine's own codes (ERR_CUDA_OOM, ERR_MODEL_LOAD,
 * ERR_CANCELLED, …: ARCHITECTURE.md "Native contract") arrive on errors from the addon and are
 * stored as they are.
 */
export type RunnerErrorCode =
  | 'ERR_CANCELLED'
  | 'ERR_ENGINE_UNAVAILABLE'
  | 'ERR_MODEL_LOAD'
  | 'ERR_BAD_IMAGE'
  | 'ERR_BAD_SCORES'
  | 'ERR_RESUME';

export class RunnerError extends CodedError<RunnerErrorCode> {
  override readonly name = 'RunnerError';
}

export const errorCode = (err: unknown, fallback: string): string => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== '' ? code : fallback;
};

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The engine's way of saying "stopped between steps because the signal fired". */
export const isCancellation = (err: unknown): boolean =>
  errorCode(err, '') === 'ERR_CANCELLED' || (err as { name?: unknown } | null)?.name === 'AbortError';
