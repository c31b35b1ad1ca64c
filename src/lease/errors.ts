import { CodedError } from '../errors/coded-error.js';

/** Machine-readable codes, so callers can branch without parsing messages. */
export type LeaseErrorCode =
  | 'ERR_LEASE_OPTIONS'
  | 'ERR_LEASE_IO'
  | 'ERR_LEASE_LOCK_TIMEOUT'
  | 'ERR_LEASE_PREEMPTED'
  | 'ERR_LEASE_LOST'
  | 'ERR_LEASE_SIGNAL'
  | 'ERR_LEASE_RELEASED';

export class LeaseError extends CodedError<LeaseErrorCode> {
  override readonly name = 'LeaseError';
}
