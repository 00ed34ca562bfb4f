/**
 * A binary heap: push and pop in O(log n), building from an array in O(n). The mempool orders senders'
 * head transactions (reaping) and tail transactions (eviction) with it.
 */
export class Heap<T> {
  private readonly items: T[];

  /**
   * @param before true when `a` must come out before `b`
   * @param items initial contents (taken over, heapified in place)
   */
  constructor(
    private readonly before: (a: T, b: T) => boolean,
    items: T[] = [],
  ) {
    this.items = items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop() as T;
    if (items.length > 0) {
      items[0] = last;
      this.down(0);
    }
    return top;
  }

  private up(i: number): void {
    const items = this.items;
    const x = items[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(x, items[p])) break;
      items[i] = items[p];
      i = p;
    }
    items[i] = x;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const x = items[i];
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.before(items[c + 1], items[c])) c++;
      if (!this.before(items[c], x)) break;
      items[i] = items[c];
      i = c;
    }
    items[i] = x;
  }
}
