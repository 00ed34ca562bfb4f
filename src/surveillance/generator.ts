/**
 * The seeded scenario generator behind the benchmark: a day of a realistic market (honest traders with
 * heavy-tailed activity and momentum, market makers whose quotes are almost all cancelled, arbitrageurs
 * doing quick round trips, news jumps with informed flow) with manipulations injected at a difficulty
 * (src/surveillance/generator-params.ts) and their labels kept apart from the events. Account names are
 * random and drawn before roles are assigned; event ids count up in time order; nothing in a row says
 * who is who.
 */
import { AitbcError } from '../core/errors.js';
import { createPrng, type Prng } from '../core/prng.js';
import type { MarketEvent } from './events.js';
import {
  DIFFICULTIES,
  DIFFICULTY_PARAMS,
  type Difficulty,
  MARKET,
  type ManipulationParams,
  type Range,
  REF_QTY,
  TICK,
} from './generator-params.js';
import { MarketSim, type Resting, type Side } from './market-sim.js';
import { isoTime, type Label, type ManipulationType } from './types.js';

export interface ScenarioOptions {
  seed: number;
  /** manipulation difficulty; ignored when benignOnly */
  difficulty?: Difficulty;
  /** a day with no manipulation at all (for false alerts per simulated day) */
  benignOnly?: boolean;
  /** simulated duration (default one day); manipulation counts scale with it */
  durationMs?: number;
}

export interface NewsJump {
  time: string;
  /** signed log move of the fair value */
  logMove: number;
}

export interface Scenario {
  seed: number;
  difficulty: Difficulty | null;
  benignOnly: boolean;
  startMs: number;
  endMs: number;
  events: MarketEvent[];
  labels: Label[];
  news: NewsJump[];
  accounts: number;
}

const MINUTE = 60_000;
const DAY_MS = 86_400_000;

function uniform(rng: Prng, r: Range): number {
  return rng.uniform(r[0], r[1]);
}

function intIn(rng: Prng, r: Range): number {
  return r[0] + rng.int(r[1] - r[0] + 1);
}

function lognormalQty(rng: Prng, median: number, logSd: number): number {
  return Math.max(1, Math.ceil(median * Math.exp(rng.normal(0, logSd))));
}

/** Hour-of-day activity in [0.3, 1]: quiet at night, peaking mid-afternoon UTC. */
function activity(t: number): number {
  const h = (((t % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000;
  return h >= 6 && h <= 22 ? 0.3 + 0.7 * Math.sin((Math.PI * (h - 6)) / 16) : 0.3;
}

function isNight(t: number): boolean {
  const h = (((t % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000;
  return h < 6;
}

/** Distinct random account names like `u7f3a9c21`. */
function accountNames(rng: Prng, n: number): string[] {
  const seen = new Set<string>();
  while (seen.size < n) {
    let s = 'u';
    for (let i = 0; i < 8; i++) s += '0123456789abcdef'[rng.int(16)];
    seen.add(s);
  }
  return [...seen];
}

class MarketMaker {
  private orders: Resting[] = [];
  private inventory = 0;
  private requoteAt = Number.POSITIVE_INFINITY;
  widenUntil = 0;

  constructor(
    private readonly sim: MarketSim,
    private readonly rng: Prng,
    readonly name: string,
    private readonly halfSpread: number,
    private readonly qtyMedian: number,
    private readonly levels: number,
    private readonly nightActive: boolean,
  ) {}

  /** Requotes at `t` unless a requote is already due sooner. */
  schedule(t: number): void {
    const when = Math.max(this.sim.t, Math.round(t));
    if (when >= this.requoteAt) return;
    this.requoteAt = when;
    this.sim.at(when, () => {
      if (this.requoteAt !== when) return;
      this.requoteAt = Number.POSITIVE_INFINITY;
      this.requote();
    });
  }

  private requote(): void {
    const sim = this.sim;
    for (const o of this.orders) sim.cancel(o);
    this.orders = [];
    if (!this.nightActive && isNight(sim.t)) {
      const day = Math.floor(sim.t / DAY_MS) * DAY_MS;
      this.schedule(day + 6 * 3_600_000 + this.rng.uniform(0, MINUTE));
      return;
    }
    const fair = sim.fair();
    const widen = sim.t < this.widenUntil ? 3 : 1;
    const skew = -this.inventory * 2e-5;
    const h = this.halfSpread * widen;
    const gap = Math.max(1, Math.round((fair * h) / TICK / 2));
    const otherAsk = sim.bestAsk(this.name);
    const otherBid = sim.bestBid(this.name);
    for (let k = 0; k < this.levels; k++) {
      const mult = [1, 1.5, 2][k];
      let bid = Math.floor((fair * (1 - h + skew)) / TICK) - k * gap;
      let ask = Math.ceil((fair * (1 + h + skew)) / TICK) + k * gap;
      if (otherAsk !== undefined && bid >= otherAsk) bid = otherAsk - 1 - k;
      if (otherBid !== undefined && ask <= otherBid) ask = otherBid + 1 + k;
      const fill = (side: Side) => (q: number) => this.onFill(side, q);
      this.orders.push(
        sim.limit(this.name, 1, bid, lognormalQty(this.rng, this.qtyMedian * mult, 0.3), fill(1)),
      );
      this.orders.push(
        sim.limit(this.name, -1, ask, lognormalQty(this.rng, this.qtyMedian * mult, 0.3), fill(-1)),
      );
    }
    this.schedule(sim.t + this.rng.exponential(1 / MARKET.mmRequoteMeanMs));
  }

  private onFill(side: Side, qty: number): void {
    this.inventory += side * qty;
    this.schedule(this.sim.t + this.rng.uniform(200, 2000));
  }
}

/** The honest population: Poisson arrivals thinned by time-of-day activity. */
class HonestTraders {
  private readonly cumulative: Float64Array;
  private readonly totalPerMs: number;

  constructor(
    private readonly sim: MarketSim,
    private readonly rng: Prng,
    readonly names: string[],
  ) {
    this.cumulative = new Float64Array(names.length);
    let sum = 0;
    for (let i = 0; i < names.length; i++) {
      sum += MARKET.honestActionsMedian * Math.exp(rng.normal(0, MARKET.honestActionsLogSd));
      this.cumulative[i] = sum;
    }
    this.totalPerMs = sum / DAY_MS;
  }

  start(): void {
    this.next(this.sim.t);
  }

  private next(from: number): void {
    this.sim.at(from + this.rng.exponential(this.totalPerMs), () => {
      if (this.rng.chance(activity(this.sim.t))) this.act(this.pick());
      this.next(this.sim.t);
    });
  }

  private pick(): string {
    const x = this.rng.next() * this.cumulative[this.cumulative.length - 1];
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return this.names[lo];
  }

  /** Buy or sell, leaning with the last 15 minutes' move (momentum). */
  side(): Side {
    const bias = Math.max(
      -MARKET.momentumMaxBias,
      Math.min(MARKET.momentumMaxBias, MARKET.momentumBeta * this.sim.recentReturn(15)),
    );
    return this.rng.chance(0.5 + bias) ? 1 : -1;
  }

  qty(): number {
    const q = lognormalQty(this.rng, MARKET.honestQtyMedian, MARKET.honestQtyLogSd);
    return this.rng.chance(MARKET.whaleShare) ? Math.ceil(q * uniform(this.rng, MARKET.whaleMultiple)) : q;
  }

  /** One honest action by `name`: a market order or a passive limit order that may be cancelled. */
  act(name: string, side = this.side()): void {
    const sim = this.sim;
    if (this.rng.chance(MARKET.honestMarketShare)) {
      sim.market(name, side, this.qty());
      return;
    }
    const fair = sim.fair();
    const d = Math.max(TICK / fair, this.rng.exponential(1 / MARKET.honestLimitDistanceMean));
    const ticks = MarketSim.ticksOf(fair * (1 - side * d));
    const o = sim.limit(name, side, ticks, this.qty());
    if (this.rng.chance(MARKET.honestCancelProb)) {
      sim.at(sim.t + this.rng.exponential(1 / MARKET.honestCancelAfterMeanMs), () => sim.cancel(o));
    }
  }

  /** A random honest account. */
  any(): string {
    return this.pick();
  }
}

class Arbitrageur {
  private readonly perMs: number;

  constructor(
    private readonly sim: MarketSim,
    private readonly rng: Prng,
    readonly name: string,
  ) {
    this.perMs = uniform(rng, MARKET.arbRoundTripsPerHour) / 3_600_000;
  }

  start(): void {
    this.next(this.sim.t);
  }

  private next(from: number): void {
    this.sim.at(from + this.rng.exponential(this.perMs), () => {
      if (this.rng.chance(activity(this.sim.t))) this.roundTrip(this.rng.chance(0.5) ? 1 : -1);
      this.next(this.sim.t);
    });
  }

  /** Takes one side now and unwinds it seconds later. */
  roundTrip(side: Side, gapS: Range = MARKET.arbLegGapS): void {
    const fill = this.sim.market(this.name, side, lognormalQty(this.rng, MARKET.arbQtyMedian, 0.5));
    if (fill.filled === 0) return;
    this.sim.at(this.sim.t + uniform(this.rng, gapS) * 1000, () => {
      this.sim.market(this.name, side === 1 ? -1 : 1, fill.filled);
    });
  }
}

interface LabelDraft {
  type: ManipulationType;
  accounts: string[];
  ids: string[];
  start: number;
  end: number;
}

/** Records what a manipulation did, for its label. */
function note(d: LabelDraft, t: number, ...ids: Array<string | undefined>): void {
  let any = false;
  for (const id of ids) {
    if (id !== undefined) {
      d.ids.push(id);
      any = true;
    }
  }
  if (!any) return;
  d.start = Math.min(d.start, t);
  d.end = Math.max(d.end, t);
}

class Injector {
  readonly drafts: LabelDraft[] = [];

  constructor(
    private readonly sim: MarketSim,
    private readonly rng: Prng,
    private readonly p: ManipulationParams,
  ) {}

  private draft(type: ManipulationType, accounts: string[]): LabelDraft {
    const d: LabelDraft = { type, accounts, ids: [], start: Number.POSITIVE_INFINITY, end: 0 };
    this.drafts.push(d);
    return d;
  }

  /** Wash trades among `members` (one: self-trades; two: ping-pong; 3–5: a ring), net position ~0. */
  wash(members: string[], t0: number): void {
    const { sim, rng } = this;
    const w = this.p.wash;
    const m = members.length;
    const d = this.draft('wash_trading', members);
    const cycle = m;
    const cycles = Math.max(1, Math.round(intIn(rng, w.trades) / cycle));
    const duration = uniform(rng, w.durationMin) * MINUTE;
    const trades: Array<{ seller: string; buyer: string; qty: number }> = [];
    for (let c = 0; c < cycles; c++) {
      const q = lognormalQty(rng, w.qtyMedian, 0.4);
      for (let k = 0; k < cycle; k++)
        trades.push({ seller: members[k], buyer: members[(k + 1) % m], qty: q });
    }
    const residual = uniform(rng, w.residual);
    if (residual > 0 && m > 1) {
      const gross = trades.filter((x) => x.seller === members[0]).reduce((s, x) => s + x.qty, 0) * 2;
      const q = Math.round(residual * gross);
      if (q >= 1) trades.push({ seller: members[0], buyer: members[1], qty: q });
    }
    const times = trades.map(() => t0 + rng.next() * duration).sort((a, b) => a - b);
    trades.forEach((tr, i) => {
      sim.at(times[i], () => this.washTrade(d, tr.seller, tr.buyer, tr.qty));
    });
    const dilution = uniform(rng, w.dilution);
    if (dilution > 0) {
      for (const member of members) {
        const own = trades
          .filter((x) => x.seller === member || x.buyer === member)
          .reduce((s, x) => s + x.qty, 0);
        let extra = dilution * own;
        while (extra > 0) {
          const q = Math.min(Math.ceil(extra), lognormalQty(rng, w.qtyMedian, 0.4));
          extra -= q;
          sim.at(t0 + rng.next() * duration, () => {
            sim.market(member, rng.chance(0.5) ? 1 : -1, q);
          });
        }
      }
    }
  }

  /**
   * One wash trade: the maker rests an order strictly inside the spread, the taker takes it a moment
   * later. With no room inside the spread the pair waits a few seconds and tries again.
   */
  private washTrade(d: LabelDraft, seller: string, buyer: string, qty: number, attempt = 0): void {
    const { sim, rng } = this;
    const bid = sim.bestBid();
    const ask = sim.bestAsk();
    if (bid === undefined || ask === undefined || ask - bid < 2) {
      if (attempt < 20)
        sim.at(sim.t + rng.uniform(2000, 10_000), () => this.washTrade(d, seller, buyer, qty, attempt + 1));
      return;
    }
    const ticks = bid + 1 + rng.int(ask - bid - 1);
    const makerSells = rng.chance(0.5);
    const maker = makerSells ? seller : buyer;
    const taker = makerSells ? buyer : seller;
    const o = sim.limit(maker, makerSells ? -1 : 1, ticks, qty);
    note(d, sim.t, o.id);
    sim.at(sim.t + rng.uniform(300, 3000), () => {
      if (!o.live) return;
      const fill = sim.market(taker, makerSells ? 1 : -1, o.qty, { limitTicks: o.ticks, allowSelf: true });
      note(d, sim.t, ...fill.tradeIds);
      note(d, sim.t, sim.cancel(o));
    });
  }

  /** Spoofing (levels = 1) or layering (levels ≥ 3): large orders near the best price, cancelled. */
  spoof(type: 'spoofing' | 'layering', account: string, t0: number): void {
    const { sim, rng } = this;
    const sp = type === 'spoofing' ? this.p.spoofing : this.p.layering;
    const d = this.draft(type, [account]);
    const side: Side = rng.chance(0.5) ? 1 : -1;
    const genuine = rng.chance(sp.genuineOrderShare);
    const cycles = intIn(rng, sp.cycles);
    let t = t0;
    for (let c = 0; c < cycles; c++) {
      const levels = type === 'spoofing' ? 1 : intIn(rng, this.p.layering.levels);
      sim.at(t, () => this.spoofCycle(d, account, side, levels, sp, genuine));
      t += uniform(rng, sp.cycleGapS) * 1000 + sp.lifetimeS[1] * 1000;
    }
  }

  private spoofCycle(
    d: LabelDraft,
    account: string,
    side: Side,
    levels: number,
    sp: ManipulationParams['spoofing'] | ManipulationParams['layering'],
    genuine: boolean,
  ): void {
    const { sim, rng } = this;
    const orders: Resting[] = [];
    const life = uniform(rng, sp.lifetimeS) * 1000;
    let genuineOrder: Resting | undefined;
    if (genuine) {
      const opp = side === 1 ? sim.bestAsk() : sim.bestBid();
      if (opp !== undefined) {
        genuineOrder = sim.limit(account, side === 1 ? -1 : 1, opp, intIn(rng, [1, 3]), () => {});
        note(d, sim.t, genuineOrder.id);
      }
    }
    const behind = intIn(rng, sp.ticksBehind);
    let placeAt = sim.t;
    for (let k = 0; k < levels; k++) {
      const level = k;
      sim.at(placeAt, () => {
        const best = side === 1 ? sim.bestBid() : sim.bestAsk();
        const ref = best ?? MarketSim.ticksOf(sim.fair());
        const ticks = ref - side * (behind + level);
        const o = sim.limit(account, side, ticks, Math.ceil(uniform(rng, sp.sizeRatio) * REF_QTY));
        orders.push(o);
        note(d, sim.t, o.id);
      });
      placeAt += rng.uniform(100, 800);
    }
    const tradeAt = placeAt + rng.uniform(500, Math.max(600, Math.min(3000, life / 2)));
    const trades = 1 + rng.int(2);
    for (let k = 0; k < trades; k++) {
      sim.at(tradeAt + k * rng.uniform(200, 1500), () => {
        const fill = sim.market(account, side === 1 ? -1 : 1, lognormalQty(rng, REF_QTY, 0.4));
        note(d, sim.t, ...fill.tradeIds);
      });
    }
    sim.at(placeAt + life, () => {
      for (const o of orders) note(d, sim.t, sim.cancel(o));
      if (genuineOrder) note(d, sim.t, sim.cancel(genuineOrder));
    });
  }

  /** A pump and dump by a group: bursts of market buys to a target rise, a hold, then selling out. */
  pump(group: string[], t0: number): void {
    const { sim, rng } = this;
    const pp = this.p.pump;
    const d = this.draft('pump_and_dump', group);
    const rise = uniform(rng, pp.rise);
    const pumpMs = uniform(rng, pp.pumpMin) * MINUTE;
    const holdMs = uniform(rng, pp.holdMin) * MINUTE;
    const dumpMs = uniform(rng, pp.dumpMin) * MINUTE;
    const position = new Map<string, number>(group.map((a) => [a, 0]));
    sim.at(t0, () => {
      const target = sim.logFair() + Math.log(1 + rise);
      // Buys needed to move the impact by `rise`, paced over the pump with a margin for decay.
      const buys = (1.5 * Math.log(1 + rise)) / MARKET.impactPerUnit / pp.qtyMedian;
      const gapMs = pumpMs / Math.max(1, buys);
      const end = sim.t + pumpMs;
      const buy = () => {
        if (sim.t >= end || sim.logFair() >= target) {
          sim.at(sim.t + holdMs, () => this.dump(d, position, dumpMs));
          return;
        }
        const who = group[rng.int(group.length)];
        const fill = sim.market(who, 1, lognormalQty(rng, pp.qtyMedian, 0.5));
        position.set(who, (position.get(who) ?? 0) + fill.filled);
        note(d, sim.t, ...fill.tradeIds);
        sim.at(sim.t + rng.exponential(1 / gapMs), buy);
      };
      buy();
    });
  }

  private dump(d: LabelDraft, position: Map<string, number>, dumpMs: number): void {
    const { sim, rng } = this;
    const total = [...position.values()].reduce((a, b) => a + b, 0);
    const sells = Math.max(1, total / this.p.pump.qtyMedian);
    const gapMs = dumpMs / sells;
    let dry = 0;
    const sell = () => {
      const holders = [...position.entries()].filter(([, q]) => q > 0);
      if (holders.length === 0) return;
      const [who, q] = holders[rng.int(holders.length)];
      const fill = sim.market(who, -1, Math.min(q, lognormalQty(rng, this.p.pump.qtyMedian, 0.5)));
      position.set(who, q - fill.filled);
      note(d, sim.t, ...fill.tradeIds);
      // No bids at the moment (a thin night book): wait for the makers to requote, give up after a
      // while like a seller who stops chasing.
      dry = fill.filled === 0 ? dry + 1 : 0;
      if (dry > 50) return;
      sim.at(sim.t + (dry > 0 ? rng.uniform(1000, 5000) : rng.exponential(1 / gapMs)), sell);
    };
    sell();
  }
}

/** A start time for the scenario: a whole UTC day, different per seed. */
function startTimeOf(seed: number): number {
  const days = ((Math.trunc(seed) % 3650) + 3650) % 3650;
  return Date.UTC(2024, 0, 1) + days * DAY_MS;
}

/**
 * Generates one scenario. Deterministic in (seed, difficulty, benignOnly, durationMs).
 * @throws AitbcError INVALID_INPUT for a non-integer seed, an unknown difficulty or a bad duration.
 * @example generateScenario({seed: 7, difficulty: 'medium'}).labels.length // 8
 */
export function generateScenario(opts: ScenarioOptions): Scenario {
  const { seed } = opts;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new AitbcError('INVALID_INPUT', `seed must be a non-negative integer, got ${seed}`, { seed });
  }
  const benignOnly = opts.benignOnly ?? false;
  const difficulty = opts.difficulty ?? 'medium';
  if (!DIFFICULTIES.includes(difficulty)) {
    throw new AitbcError('INVALID_INPUT', `difficulty must be easy, medium or hard, got "${difficulty}"`, {});
  }
  const durationMs = opts.durationMs ?? MARKET.durationMs;
  if (!(durationMs >= 3_600_000 && durationMs <= 30 * DAY_MS)) {
    throw new AitbcError('INVALID_INPUT', 'duration must be between 1 hour and 30 days', { durationMs });
  }
  // The benign market of a seed is the same whatever the difficulty; manipulations draw from their own
  // stream, so a labelled day and its benign twin differ only where the injections change the market.
  const rng = createPrng(`aitbc/surveillance/market/${seed}`);
  const injRng = createPrng(`aitbc/surveillance/inject/${seed}/${difficulty}`);
  const startMs = startTimeOf(seed);
  const sim = new MarketSim(rng.fork(), {
    startMs,
    durationMs,
    startPrice: Math.round(uniform(rng, MARKET.startPrice) * 100) / 100,
    dailyVol: uniform(rng, MARKET.dailyVol),
    impactPerUnit: MARKET.impactPerUnit,
    impactTauMs: MARKET.impactTauMs,
    firstId: 100_000_000 + rng.int(800_000_000),
  });

  const nHonest = intIn(rng, MARKET.honestAccounts);
  const nMm = intIn(rng, MARKET.marketMakers);
  const nArb = intIn(rng, MARKET.arbitrageurs);
  const names = accountNames(rng, nHonest + nMm + nArb);
  rng.shuffle(names);
  const mmNames = names.slice(0, nMm);
  const arbNames = names.slice(nMm, nMm + nArb);
  const honestNames = names.slice(nMm + nArb);

  const nightMm = intIn(rng, MARKET.nightMarketMakers);
  const mms = mmNames.map(
    (n, i) =>
      new MarketMaker(
        sim,
        rng.fork(),
        n,
        uniform(rng, MARKET.mmHalfSpreadBps) / 10_000,
        uniform(rng, MARKET.mmQtyMedian),
        intIn(rng, MARKET.mmLevels),
        i < nightMm,
      ),
  );
  const honest = new HonestTraders(sim, rng.fork(), honestNames);
  const arbs = arbNames.map((n) => new Arbitrageur(sim, rng.fork(), n));
  for (const mm of mms) mm.schedule(startMs + rng.uniform(0, 5000));
  honest.start();
  for (const a of arbs) a.start();

  // News: a jump of the fundamental, market makers widen and requote, arbitrageurs pick off stale
  // quotes, informed honest flow follows for a while.
  const news: NewsJump[] = [];
  const newsRng = rng.fork();
  for (let t = startMs + newsRng.exponential(MARKET.newsPerDay / DAY_MS); t < startMs + durationMs; ) {
    const at = t;
    const size = Math.min(
      MARKET.newsJumpClip[1],
      Math.max(
        MARKET.newsJumpClip[0],
        MARKET.newsJumpMedian * Math.exp(newsRng.normal(0, MARKET.newsJumpLogSd)),
      ),
    );
    const dir: Side = newsRng.chance(0.5) ? 1 : -1;
    const logMove = dir * Math.log(1 + size);
    news.push({ time: isoTime(Math.round(at)), logMove });
    const flowMs = uniform(newsRng, MARKET.newsFlowMinutes) * MINUTE;
    const perMs = uniform(newsRng, MARKET.newsFlowPerMinute) / MINUTE;
    const flowRng = newsRng.fork();
    sim.at(at, () => {
      sim.jump(logMove);
      for (const mm of mms) {
        mm.widenUntil = sim.t + 5 * MINUTE;
        mm.schedule(sim.t + flowRng.uniform(200, 1500));
      }
      for (const a of arbs) sim.at(sim.t + flowRng.uniform(50, 1000), () => a.roundTrip(dir, [5, 60]));
      const end = sim.t + flowMs;
      const flow = () => {
        if (sim.t >= end) return;
        honest.act(honest.any(), flowRng.chance(MARKET.newsFlowDirectional) ? dir : dir === 1 ? -1 : 1);
        sim.at(sim.t + flowRng.exponential(perMs), flow);
      };
      sim.at(sim.t + flowRng.uniform(1000, 10_000), flow);
    });
    t += newsRng.exponential(MARKET.newsPerDay / DAY_MS);
  }

  let injector: Injector | undefined;
  if (!benignOnly) {
    const p = DIFFICULTY_PARAMS[difficulty];
    injector = new Injector(sim, injRng.fork(), p);
    const pool = injRng.shuffle([...honestNames]);
    const take = (k: number) => pool.splice(0, k);
    const days = durationMs / DAY_MS;
    const when = () => startMs + durationMs * (0.04 + 0.88 * injRng.next());
    const count = (perDay: number) => Math.max(1, Math.round(perDay * days));
    for (let i = 0; i < count(p.perDay.wash_trading); i++) {
      const variant = injRng.int(3);
      const size = variant === 0 ? 1 : variant === 1 ? 2 : intIn(injRng, p.wash.ringSize);
      injector.wash(take(size), when());
    }
    for (let i = 0; i < count(p.perDay.spoofing); i++) injector.spoof('spoofing', take(1)[0], when());
    for (let i = 0; i < count(p.perDay.layering); i++) injector.spoof('layering', take(1)[0], when());
    for (let i = 0; i < count(p.perDay.pump_and_dump); i++) {
      injector.pump(take(intIn(injRng, p.pump.accounts)), when());
    }
  }

  sim.run();

  const labels: Label[] = (injector?.drafts ?? [])
    .filter((d) => d.ids.length > 0)
    .map((d) => ({
      type: d.type,
      accounts: [...d.accounts],
      start: isoTime(d.start),
      end: isoTime(d.end),
      eventIds: d.ids,
    }))
    .sort((a, b) => a.start.localeCompare(b.start));
  return {
    seed,
    difficulty: benignOnly ? null : difficulty,
    benignOnly,
    startMs,
    endMs: startMs + durationMs,
    events: sim.events,
    labels,
    news,
    accounts: names.length,
  };
}
