import { CodedError } from '../errors/coded-error.js';

/** Errors about result databases: a schema from another version, an impossible merge. */
export type StoreErrorCode = 'ERR_SCHEMA' | 'ERR_MERGE';

export class StoreError extends CodedError<StoreErrorCode> {
  override readonly name = 'StoreError';
}
