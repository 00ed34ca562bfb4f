/**
 * The double-sign guard (DESIGN §7 Consensus): before any vote leaves the process, the validator
 * records `(height, round, type, blockHash)` in an fsynced file, and it never signs a different
 * `blockHash` for the same `(height, round, type)` — including after a crash and restart.
 *
 * As in Tendermint's privval, the guard keeps the last signed step per chain and refuses any step
 * below it: a step is (height, round, type) ordered lexicographically with proposal < prevote <
 * precommit. Asking again for the very same step and block returns the signature already given
 * (with its original time), so a restarted node repeats itself instead of equivocating.
 */
import * as fs from 'node:fs';
import { writeFileAtomic } from '../../cli/secure-fs.js';
import { AitbcError } from '../../core/errors.js';

export type SignStep = 'proposal' | 'prevote' | 'precommit';

const STEP_ORDER: Record<SignStep, number> = { proposal: 1, prevote: 2, precommit: 3 };

/** The last thing signed on one chain. */
export interface SignRecord {
  height: number;
  round: number;
  step: SignStep;
  /** "" for nil */
  blockHash: string;
  /** the signed object's time (unix ms) */
  time: number;
  sig: string;
}

interface SignStateFile {
  version: 1;
  chains: Record<string, SignRecord>;
}

/** What a caller wants signed; `sign` is called only when the guard allows it. */
export interface SignRequest {
  chainId: string;
  height: number;
  round: number;
  step: SignStep;
  blockHash: string;
  time: number;
  sign: (time: number) => string;
}

/** Compares two steps: negative when a is before b. */
export function compareSteps(
  a: Pick<SignRecord, 'height' | 'round' | 'step'>,
  b: Pick<SignRecord, 'height' | 'round' | 'step'>,
): number {
  return a.height - b.height || a.round - b.round || STEP_ORDER[a.step] - STEP_ORDER[b.step];
}

/**
 * The decision for one request against the last record (pure).
 * @returns `{action: 'sign'}`, or `{action: 'repeat', record}` for the identical step and block.
 * @throws AitbcError FORBIDDEN for a step below the last one, or a different block at the same step.
 */
export function decideSign(
  last: SignRecord | undefined,
  req: Pick<SignRequest, 'height' | 'round' | 'step' | 'blockHash'>,
): { action: 'sign' } | { action: 'repeat'; record: SignRecord } {
  if (last === undefined) return { action: 'sign' };
  const order = compareSteps(req, last);
  if (order > 0) return { action: 'sign' };
  const at = { height: req.height, round: req.round, step: req.step };
  if (order < 0) {
    throw new AitbcError('FORBIDDEN', `refusing to sign ${fmt(at)}: already signed ${fmt(last)}`, {
      requested: at,
      last: { height: last.height, round: last.round, step: last.step },
    });
  }
  if (last.blockHash !== req.blockHash) {
    throw new AitbcError(
      'FORBIDDEN',
      `refusing to double-sign ${fmt(at)}: already signed block ${last.blockHash || 'nil'}`,
      { ...at, signed: last.blockHash, requested: req.blockHash },
    );
  }
  return { action: 'repeat', record: last };
}

function fmt(s: Pick<SignRecord, 'height' | 'round' | 'step'>): string {
  return `${s.step} at height ${s.height} round ${s.round}`;
}

/** The guard over one sign-state file, shared by every chain the validator signs on. */
export class SignState {
  private readonly chains: Record<string, SignRecord>;

  /**
   * Loads the file (a missing file is an empty state).
   * @throws AitbcError CONFIG when the file exists but cannot be trusted; the node must not guess.
   */
  constructor(private readonly file: string) {
    this.chains = readSignState(file).chains;
  }

  /** The last record of a chain. */
  last(chainId: string): SignRecord | undefined {
    const r = this.chains[chainId];
    return r === undefined ? undefined : { ...r };
  }

  /**
   * Signs through the guard: decides, calls `req.sign(time)` when allowed, and fsyncs the record before
   * returning, so the signature exists outside this call only once it is on disk.
   * @returns the time and signature to put in the signed object (the original ones when repeating).
   * @throws AitbcError FORBIDDEN when signing would regress or equivocate.
   */
  sign(req: SignRequest): { time: number; sig: string } {
    const decision = decideSign(this.chains[req.chainId], req);
    if (decision.action === 'repeat') return { time: decision.record.time, sig: decision.record.sig };
    const sig = req.sign(req.time);
    const record: SignRecord = {
      height: req.height,
      round: req.round,
      step: req.step,
      blockHash: req.blockHash,
      time: req.time,
      sig,
    };
    const next: SignStateFile = { version: 1, chains: { ...this.chains, [req.chainId]: record } };
    writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`);
    this.chains[req.chainId] = record;
    return { time: req.time, sig };
  }
}

function readSignState(file: string): SignStateFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, chains: {} };
    throw e;
  }
  const corrupt = (why: string): never => {
    throw new AitbcError(
      'CONFIG',
      `sign-state file ${file} is unusable (${why}); refusing to sign`,
      { file },
      { hint: 'restore it from a backup; deleting it risks double-signing' },
    );
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return corrupt('not JSON');
  }
  const v = value as SignStateFile;
  if (
    v === null ||
    typeof v !== 'object' ||
    v.version !== 1 ||
    typeof v.chains !== 'object' ||
    v.chains === null
  )
    return corrupt('wrong shape');
  for (const [id, r] of Object.entries(v.chains)) {
    if (
      !Number.isSafeInteger(r?.height) ||
      !Number.isSafeInteger(r.round) ||
      !(r.step in STEP_ORDER) ||
      typeof r.blockHash !== 'string' ||
      !Number.isSafeInteger(r.time) ||
      typeof r.sig !== 'string'
    )
      corrupt(`bad record for chain ${id}`);
  }
  return v;
}
