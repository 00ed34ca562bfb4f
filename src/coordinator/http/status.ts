/**
 * HTTP statuses of the API's errors (docs/marketplace.md has the table). The body is always
 * `{error: {code, message, details}}` with a DESIGN §4 code, so clients branch on `code`, not on status.
 */
import type { AitbcError } from '../../core/errors.js';

/** The status for an error; `details.reason` refines a few (too large → 413, conflict → 409). */
export function httpStatusFor(e: AitbcError): number {
  const reason = e.details.reason;
  if (reason === 'prompt_too_large' || reason === 'too_large') return 413;
  if (reason === 'conflict') return 409;
  switch (e.code) {
    case 'UNAUTHORIZED':
    case 'BAD_SIGNATURE':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'REPLAYED_REQUEST':
    case 'JOB_CANCELED':
    case 'JOB_FAILED':
    case 'JOB_EXPIRED':
      return 409;
    case 'NO_MINER_FOR_MODEL':
    case 'PRICE_TOO_LOW':
    case 'RECEIPT_INVALID':
      return 422;
    case 'RATE_LIMITED':
      return 429;
    case 'UNREACHABLE':
    case 'TIMEOUT':
      return 503;
    case 'INTERNAL':
      return 500;
    default:
      return e.code.endsWith('_NOT_FOUND') ? 404 : 400;
  }
}
