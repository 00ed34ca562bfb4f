/** Hand-written event streams for detector tests: ids count up, time moves forward explicitly. */
import type { MarketEvent } from '../../../src/surveillance/events.js';

export class EventScript {
  readonly events: MarketEvent[] = [];
  private next = 1;
  t: number;

  constructor(start = Date.UTC(2024, 0, 1)) {
    this.t = start;
  }

  wait(ms: number): this {
    this.t += ms;
    return this;
  }

  private push(e: Omit<MarketEvent, 'time' | 'id'>): string {
    const id = String(this.next++);
    this.events.push({ time: this.t, id, ...e });
    return id;
  }

  order(account: string, side: 'buy' | 'sell', price: number, qty: number): string {
    return this.push({ type: 'order', account, side, price, qty, orderId: '', counterparty: '' });
  }

  cancel(account: string, orderId: string): string {
    return this.push({
      type: 'cancel',
      account,
      side: '',
      price: Number.NaN,
      qty: Number.NaN,
      orderId,
      counterparty: '',
    });
  }

  /** A trade: `account` is the aggressor on `side`, `resting` owns the order taken. */
  trade(
    account: string,
    side: 'buy' | 'sell',
    price: number,
    qty: number,
    resting: string,
    orderId = '',
  ): string {
    return this.push({ type: 'trade', account, side, price, qty, orderId, counterparty: resting });
  }

  /** A resting order and an immediate full fill of it by `taker`. */
  cross(maker: string, makerSide: 'buy' | 'sell', taker: string, price: number, qty: number): void {
    const o = this.order(maker, makerSide, price, qty);
    this.wait(500);
    this.trade(taker, makerSide === 'buy' ? 'sell' : 'buy', price, qty, maker, o);
  }

  /**
   * Background: a market maker quoting both sides every 10 s (cancelling the previous quotes) and
   * `traders` honest accounts hitting it every `tradeEvery` quotes, for `minutes`.
   */
  background(minutes: number, traders = 30, tradeEvery = 4, mm = 'mm1', price = 100): this {
    let bid: string | undefined;
    let ask: string | undefined;
    for (let s = 0; s < minutes * 6; s++) {
      if (bid) this.cancel(mm, bid);
      if (ask) this.cancel(mm, ask);
      bid = this.order(mm, 'buy', price - 0.05, 3);
      ask = this.order(mm, 'sell', price + 0.05, 3);
      if (s % tradeEvery === 0) {
        const who = `h${(s * 7) % traders}`;
        const buy = (s / tradeEvery) % 2 === 0;
        this.trade(who, buy ? 'buy' : 'sell', buy ? price + 0.05 : price - 0.05, 1, mm, buy ? ask : bid);
        if (buy) ask = undefined;
        else bid = undefined;
      }
      this.wait(10_000);
    }
    return this;
  }
}
