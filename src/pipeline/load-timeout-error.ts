import { CodedError } from '../errors/coded-error.js';

/** A model load did not finish within its deadline (`Pipeline.load({ deadlineMs })`); the load was cancelled. */
export class LoadTimeoutError extends CodedError<'ERR_LOAD_TIMEOUT'> {
  override readonly name = 'LoadTimeoutError';
  constructor(modelDir: string, deadlineMs: number, options?: { cause?: unknown }) {
    super('ERR_LOAD_TIMEOUT', `${modelDir}: the model load did not finish within its deadline of ${deadlineMs} ms (cancelled)`, options);
  }
}
