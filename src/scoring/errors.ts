/** Problems the scoring layer finds itself (the engine's own errors arrive as NativeEngineError). */
export type ScoringErrorCode = 'ERR_MODEL_LOAD' | 'ERR_INVALID_ARG';

export class ScoringError extends Error {
  override readonly name = 'ScoringError';
  constructor(
    readonly code: ScoringErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
