import { CodedError } from '../errors/coded-error.js';

/** Problems the scoring layer finds itself (the engine's own errors arrive as NativeEngineError). */
export type ScoringErrorCode = 'ERR_MODEL_LOAD' | 'ERR_INVALID_ARG';

export class ScoringError extends CodedError<ScoringErrorCode> {
  override readonly name = 'ScoringError';
}
