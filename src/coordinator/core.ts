/**
 * The coordinator's shared state and its one way of changing it: `transact`, which runs a synchronous
 * operation in the next group commit (after refusing a replayed request) and announces the operation's
 * effects — stream events, service events, a dispatch or settlement round — only once it is durable.
 */
import { AitbcError } from '../core/errors.js';
import type { Signer } from '../crypto/ed25519.js';
import { REQUEST_REPLAY_WINDOW_MS, type VerifiedRequest } from '../protocol/signed-request.js';
import type { VerifyFn } from '../protocol/types.js';
import type { ChainClient } from './chain/chain-client.js';
import type { CoordinatorEvent } from './events.js';
import { JobEventHub } from './events.js';
import type { MinerOffer } from './jobs/matching.js';
import { type Effects, newEffects, type TxContext } from './jobs/transitions.js';
import type { CoordinatorLimits, CoordinatorTiming } from './options.js';
import type { GroupCommit } from './store/group-commit.js';
import type { CoordinatorRepo, MinerRecord } from './store/repo.js';

/** Everything the coordinator's parts share: store, chain, identity, clock and settings. */
export interface CoreOptions {
  repo: CoordinatorRepo;
  commit: GroupCommit;
  chain: ChainClient;
  signer: Signer;
  address: string;
  publicKeyHex: string;
  chainId: string;
  /** strict verification, answered from `preverify`'s results when it can be */
  verify: VerifyFn;
  /** verifies on worker threads ahead of `verify` (src/crypto/cached-verifier.ts) */
  preverify: (checks: ReadonlyArray<{ sig: Uint8Array; msg: Uint8Array; pub: Uint8Array }>) => Promise<void>;
  now: () => number;
  timing: CoordinatorTiming;
  limits: CoordinatorLimits;
  onEvent: (e: CoordinatorEvent) => void;
}

/**
 * Refuses a `(pubkey, nonce)` seen within the replay window and remembers this one. Runs inside the
 * operation the request performs, so a replayed request never has an effect.
 * @throws AitbcError REPLAYED_REQUEST
 */
export function admitNonce(repo: CoordinatorRepo, caller: VerifiedRequest, now: number): void {
  const seen = repo.nonceSeenAt(caller.pubkey, caller.nonce);
  if (seen !== undefined && seen > now - REQUEST_REPLAY_WINDOW_MS)
    throw new AitbcError('REPLAYED_REQUEST', 'this request (public key and nonce) was already received', {
      nonce: caller.nonce,
    });
  repo.rememberNonce(caller.pubkey, caller.nonce, now);
}

/** Shared state, online-miner reads, and the one way to change the store (`transact`). */
export class Core {
  readonly hub = new JobEventHub();
  /** called after effects are published: the dispatcher and settler hook in here */
  onDispatch: () => void = () => {};
  onSettle: () => void = () => {};
  /** miners with an open long-poll count as online whatever their last heartbeat */
  isPolling: (miner: string) => boolean = () => false;

  constructor(readonly o: CoreOptions) {}

  get repo(): CoordinatorRepo {
    return this.o.repo;
  }

  /**
   * Runs `fn` in the next group commit; with `caller`, first refuses a replay and records the nonce.
   * Effects are announced after the commit; a throw rolls the operation back and announces nothing.
   */
  async transact<T>(fn: (ctx: TxContext) => T, caller?: VerifiedRequest): Promise<T> {
    const fx = newEffects();
    const result = await this.o.commit.run(() => {
      const now = this.o.now();
      if (caller !== undefined) admitNonce(this.o.repo, caller, now);
      return fn({ repo: this.o.repo, now, fx });
    });
    this.publish(fx);
    return result;
  }

  /** Announces committed effects. */
  publish(fx: Effects): void {
    for (const { jobId, event } of fx.stream) this.hub.emit(jobId, event);
    for (const e of fx.events) this.o.onEvent(e);
    if (fx.dispatch) this.onDispatch();
    if (fx.settle) this.onSettle();
  }

  /** Online: seen within a lease TTL, or waiting in a long-poll. */
  isOnline(m: MinerRecord, now: number): boolean {
    return m.lastSeenAt > now - this.o.timing.leaseTtlMs || this.isPolling(m.address);
  }

  /**
   * Every online miner as matching sees it. `withLoad: false` skips counting the jobs each holds (the
   * offer check on submission needs models and prices only).
   */
  onlineOffers(now: number, withLoad = true): MinerOffer[] {
    return this.o.repo
      .allMiners()
      .filter((m) => this.isOnline(m, now))
      .map((m) => offerOf(m, withLoad ? this.o.repo.activeCount(m.address) : 0));
  }
}

/** A registered miner as matching sees it. */
export function offerOf(m: MinerRecord, active: number): MinerOffer {
  return {
    address: m.address,
    models: m.capability.models,
    unitPrice: m.capability.unitPrice,
    concurrency: m.capability.concurrency,
    active,
  };
}
