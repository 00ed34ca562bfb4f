/**
 * Domain-separated sign bytes: UTF-8 of `"<domain>\n" + JCS(object)` (DESIGN §6), so a signature made
 * for one purpose never verifies as another.
 */
import { canonicalJson } from './canonical-json.js';
import { utf8 } from './hex.js';

export const SIGN_DOMAINS = {
  tx: 'aitbc/tx/v1',
  block: 'aitbc/block/v1',
  vote: 'aitbc/vote/v1',
  proposal: 'aitbc/proposal/v1',
  receipt: 'aitbc/receipt/v1',
  request: 'aitbc/request/v1',
  message: 'aitbc/message/v1',
} as const;

export type SignDomain = (typeof SIGN_DOMAINS)[keyof typeof SIGN_DOMAINS];

/**
 * @example signBytes('aitbc/message/v1', {address, message}) // UTF-8 of 'aitbc/message/v1\n{"address":…}'
 */
export function signBytes(domain: SignDomain, body: unknown): Uint8Array {
  return utf8(`${domain}\n${canonicalJson(body)}`);
}
