import { CodedError } from '../errors/coded-error.js';

export type ProfileErrorCode = 'ERR_INVALID_ARG';

export class ProfileError extends CodedError<ProfileErrorCode> {
  override name = 'ProfileError';
}
