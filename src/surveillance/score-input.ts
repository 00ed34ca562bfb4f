/**
 * Reading alert and label files for `score`: a JSON array (or a `scan --json` document's `alerts`, or
 * NDJSON, one object per line). Each entry needs `type`, `accounts`, `start`, `end` and `eventIds`;
 * `detectedAt` is optional (latency is reported only when alerts carry it).
 */
import { AitbcError } from '../core/errors.js';
import type { ScorableAlert } from './scoring.js';

function entries(text: string, what: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[') || trimmed.startsWith('{"alerts"') || /^\{\s*"/.test(trimmed)) {
    try {
      const doc = JSON.parse(trimmed) as unknown;
      if (Array.isArray(doc)) return doc;
      if (doc && typeof doc === 'object' && Array.isArray((doc as { alerts?: unknown }).alerts)) {
        return (doc as { alerts: unknown[] }).alerts;
      }
      if (doc && typeof doc === 'object' && Array.isArray((doc as { items?: unknown }).items)) {
        return (doc as { items: unknown[] }).items;
      }
      if (doc && typeof doc === 'object') return [doc];
    } catch {
      // Not one JSON document: try NDJSON below.
    }
  }
  return trimmed.split('\n').map((line, i) => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      throw new AitbcError('INVALID_INPUT', `${what}: line ${i + 1} is not JSON`, { line: i + 1 });
    }
  });
}

/**
 * Parses alerts or labels from text.
 * @throws AitbcError INVALID_INPUT naming the entry and field that is wrong.
 */
export function parseScorables(text: string, what: 'alerts' | 'labels'): ScorableAlert[] {
  return entries(text, what).map((raw, i) => {
    const e = raw as Record<string, unknown>;
    const bad = (field: string) =>
      new AitbcError('INVALID_INPUT', `${what}[${i}]: ${field} is missing or malformed`, { index: i, field });
    if (!e || typeof e !== 'object') throw bad('the entry');
    if (typeof e.type !== 'string') throw bad('type');
    if (!Array.isArray(e.accounts) || !e.accounts.every((a) => typeof a === 'string')) throw bad('accounts');
    const ids = e.eventIds ?? [];
    if (!Array.isArray(ids) || !ids.every((a) => typeof a === 'string')) throw bad('eventIds');
    const startMs = typeof e.start === 'number' ? e.start : Date.parse(String(e.start));
    const endMs = typeof e.end === 'number' ? e.end : Date.parse(String(e.end));
    if (!Number.isFinite(startMs)) throw bad('start');
    if (!Number.isFinite(endMs) || endMs < startMs) throw bad('end');
    const detected = e.detectedAt === undefined ? undefined : Date.parse(String(e.detectedAt));
    return {
      type: e.type,
      accounts: e.accounts as string[],
      eventIds: ids as string[],
      startMs,
      endMs,
      ...(detected !== undefined && Number.isFinite(detected) ? { detectedAtMs: detected } : {}),
    };
  });
}
