import { CodedError } from '../errors/coded-error.js';

/** Why a prefetch stopped; the message names the repo, revision, file or URL concerned. */
export type PrefetchErrorCode =
  | 'ERR_PREFETCH_AUTH'
  | 'ERR_PREFETCH_NOT_FOUND'
  | 'ERR_PREFETCH_NETWORK'
  | 'ERR_PREFETCH_CHECKSUM'
  | 'ERR_PREFETCH_HUB';

export class PrefetchError extends CodedError<PrefetchErrorCode> {
  override readonly name = 'PrefetchError';
}
