import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAitbcError } from '../../../src/core/errors.js';
import { CANCEL, EventTableBuilder, ORDER, TRADE } from '../../../src/surveillance/events.js';
import {
  builderSink,
  CSV_HEADER,
  EventStreamParser,
  eventToCsv,
  parseEventsFile,
  parseEventsText,
  parseTimestamp,
} from '../../../src/surveillance/parse.js';

const HEADER = 'time,type,id,account,side,price,qty,order_id,counterparty';
const rows = [
  '2024-01-01T00:00:00.000Z,order,10,alice,buy,100.5,3,,',
  '2024-01-01T00:00:01.000Z,order,11,bob,sell,101,2,,',
  '2024-01-01T00:00:02.000Z,trade,12,carol,buy,101,2,11,bob',
  '2024-01-01T00:00:03.000Z,cancel,13,alice,,,,10,',
];

function fails(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (e) {
    expect(isAitbcError(e)).toBe(true);
    return {
      code: (e as { code: string }).code,
      message: (e as Error).message,
      ...(e as { details: object }).details,
    };
  }
  throw new Error('expected a failure');
}

describe('event parsing', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aitbc-surv-parse-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads CSV, links trades and cancels to their orders and fills a cancel from its order', () => {
    const { table, format, outOfOrder } = parseEventsText(`${HEADER}\n${rows.join('\n')}\n`);
    expect(format).toBe('csv');
    expect(outOfOrder).toBe(0);
    expect(table.length).toBe(4);
    expect(Array.from(table.type)).toEqual([ORDER, ORDER, TRADE, CANCEL]);
    expect(table.accounts[table.account[2]]).toBe('carol');
    expect(table.accounts[table.counterparty[2]]).toBe('bob');
    expect(table.orderRef[2]).toBe(1);
    expect(table.orderRef[3]).toBe(0);
    expect([table.side[3], table.price[3], table.qty[3]]).toEqual([1, 100.5, 3]);
    expect(table.id(2)).toBe('12');
    expect(table.time[0]).toBe(Date.UTC(2024, 0, 1));
  });

  it('accepts columns in any order and case, aliases, quoted fields and epoch milliseconds', () => {
    const text = [
      'Quantity,Side,Account,ID,Type,Timestamp,Price,OrderID,Counterparty',
      `3,buy,"smith, j",a1,order,${Date.UTC(2024, 0, 1)},10,,`,
      `1,sell,"o""neil",a2,trade,${Date.UTC(2024, 0, 1) + 5},10,a1,"smith, j"`,
    ].join('\r\n');
    const { table } = parseEventsText(text);
    expect(table.accounts).toEqual(['smith, j', 'o"neil']);
    expect(table.orderRef[1]).toBe(0);
    expect(table.id(0)).toBe('a1');
  });

  it('reads NDJSON and a JSON array, reporting the element and its line', () => {
    const objs = [
      { time: '2024-01-01T00:00:00Z', type: 'order', id: 'x1', account: 'a', side: 'buy', price: 1, qty: 1 },
      {
        time: '2024-01-01T00:00:01Z',
        type: 'trade',
        id: 'x2',
        account: 'b',
        side: 'sell',
        price: 1,
        qty: 1,
        order_id: 'x1',
        counterparty: 'a',
      },
    ];
    expect(parseEventsText(objs.map((o) => JSON.stringify(o)).join('\n')).format).toBe('ndjson');
    const arr = parseEventsText(JSON.stringify(objs, null, 2));
    expect(arr.format).toBe('json');
    expect(arr.table.orderRef[1]).toBe(0);
    const bad = JSON.stringify([objs[0], { ...objs[1], qty: -2 }], null, 2);
    const err = fails(() => parseEventsText(bad));
    expect(err.code).toBe('INVALID_INPUT');
    expect((err.errors as Array<{ line: number; message: string }>)[0]).toMatchObject({ line: 11 });
    expect(String(err.message)).toContain('element 2');
  });

  it('reports every malformed row with its line number', () => {
    const text = [
      HEADER,
      rows[0],
      '2024-01-01T00:00:01.000Z,bid,20,bob,sell,1,1,,',
      'yesterday,order,21,bob,sell,1,1,,',
      '2024-01-01T00:00:02.000Z,trade,22,carol,buy,1,1,,',
      '2024-01-01T00:00:03.000Z,order,23,carol,up,1,1,,',
      '2024-01-01T00:00:04.000Z,order,24,carol,buy,-5,1,,',
      '2024-01-01T00:00:05.000Z,cancel,25,carol,,,,,',
      '2024-01-01T00:00:06.000Z,order,26,carol',
      '2024-01-01T00:00:07.000Z,order,10,dave,buy,1,1,,',
    ].join('\n');
    const err = fails(() => parseEventsText(text));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.errorCount).toBe(8);
    const byLine = new Map(
      (err.errors as Array<{ line: number; message: string }>).map((e) => [e.line, e.message]),
    );
    expect(byLine.get(3)).toMatch(/unknown type "bid"/);
    expect(byLine.get(4)).toMatch(/time/);
    expect(byLine.get(5)).toMatch(/counterparty/);
    expect(byLine.get(6)).toMatch(/side must be buy or sell, got "up"/);
    expect(byLine.get(7)).toMatch(/price must be a positive number, got "-5"/);
    expect(byLine.get(8)).toMatch(/order_id/);
    expect(byLine.get(9)).toMatch(/expected 9 fields, got 4/);
    expect(byLine.get(10)).toMatch(/duplicate id "10" \(first at line 2\)/);
  });

  it('drops malformed rows and duplicates with onInvalid skip', () => {
    const text = [
      HEADER,
      rows[0],
      '2024-01-01T00:00:01.000Z,bid,20,bob,sell,1,1,,',
      rows[0].replace(',alice,', ',zed,'),
    ].join('\n');
    const r = parseEventsText(text, { onInvalid: 'skip' });
    expect(r.table.length).toBe(1);
    expect(r.errorCount).toBe(2);
    expect(r.errors.map((e) => e.line)).toEqual([3, 4]);
  });

  it('sorts rows that are out of time order (stably) and counts them', () => {
    const text = [HEADER, rows[1], rows[0], rows[2], rows[3]].join('\n');
    const r = parseEventsText(text);
    expect(r.outOfOrder).toBe(1);
    expect(r.table.id(0)).toBe('10');
    expect(Array.from(r.table.line)).toEqual([3, 2, 4, 5]);
  });

  it('fails on a header without the required columns, and on an empty file', () => {
    expect(fails(() => parseEventsText('a,b,c\n1,2,3\n')).message).toMatch(
      /lacks column\(s\) time, type, id, account/,
    );
    expect(fails(() => parseEventsText('')).message).toMatch(/empty file/);
  });

  it('keeps numeric ids as numbers and switches to strings at the first other id', () => {
    const text = [HEADER, rows[0], rows[1].replace(',11,', ',007,'), rows[2].replace(',11,', ',007,')].join(
      '\n',
    );
    const { table } = parseEventsText(text);
    expect([table.id(0), table.id(1), table.id(2)]).toEqual(['10', '007', '12']);
    expect(table.orderRef[2]).toBe(1);
  });

  it('gives the same table whatever the chunking of the stream', () => {
    const text = `${HEADER}\n${rows.join('\n')}\n`;
    const whole = parseEventsText(text).table;
    const b = new EventTableBuilder();
    const p = new EventStreamParser(builderSink(b));
    for (let i = 0; i < text.length; i += 7) p.push(text.slice(i, i + 7));
    p.end();
    const chunked = b.finish();
    expect(Array.from(chunked.time)).toEqual(Array.from(whole.time));
    expect(Array.from(chunked.orderRef)).toEqual(Array.from(whole.orderRef));
  });

  it('reads files and round-trips the CSV writer', () => {
    const file = path.join(dir, 'ev.csv');
    const events = [
      {
        time: 1_700_000_000_123,
        type: 'order' as const,
        id: '1',
        account: 'a,b',
        side: 'buy' as const,
        price: 9.5,
        qty: 2,
        orderId: '',
        counterparty: '',
      },
      {
        time: 1_700_000_000_200,
        type: 'cancel' as const,
        id: '2',
        account: 'a,b',
        side: '' as const,
        price: Number.NaN,
        qty: Number.NaN,
        orderId: '1',
        counterparty: '',
      },
    ];
    writeFileSync(file, `${CSV_HEADER}\n${events.map(eventToCsv).join('\n')}\n`);
    const r = parseEventsFile(file);
    expect(r.table.accounts).toEqual(['a,b']);
    expect(r.table.time[0]).toBe(1_700_000_000_123);
    expect(r.table.price[1]).toBe(9.5);
    expect(fails(() => parseEventsFile(path.join(dir, 'missing.csv'))).code).toBe('MISSING_INPUT');
  });

  it('parses timestamps: ISO with and without zone or fraction, epoch ms, garbage', () => {
    expect(parseTimestamp('2024-02-29T23:59:59.5Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 500));
    expect(parseTimestamp('2024-02-29T23:59:59Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    expect(parseTimestamp('2024-02-29 23:59:59')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    expect(parseTimestamp('2024-02-29T23:59:59+01:00')).toBe(Date.UTC(2024, 1, 29, 22, 59, 59));
    expect(parseTimestamp('1700000000000')).toBe(1_700_000_000_000);
    expect(parseTimestamp('20a4-02-29T23:59:59Z')).toBeNaN();
    expect(parseTimestamp('soon')).toBeNaN();
  });
});
