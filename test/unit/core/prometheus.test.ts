import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../../../src/core/prometheus.js';

describe('MetricsRegistry', () => {
  it('renders HELP and TYPE lines and series in registration order', () => {
    const m = new MetricsRegistry();
    m.define('b_total', 'counter', 'B things.');
    m.define('a_gauge', 'gauge', 'A level.');
    m.inc('b_total', { route: 'x', status: '200' });
    m.inc('b_total', { route: 'x', status: '200' }, 2);
    m.inc('b_total', { route: 'y', status: '404' });
    m.set('a_gauge', {}, 7);
    m.set('a_gauge', {}, 5);
    expect(m.render()).toBe(
      [
        '# HELP b_total B things.',
        '# TYPE b_total counter',
        'b_total{route="x",status="200"} 3',
        'b_total{route="y",status="404"} 1',
        '# HELP a_gauge A level.',
        '# TYPE a_gauge gauge',
        'a_gauge 5',
        '',
      ].join('\n'),
    );
  });

  it('escapes backslash, quote and newline in label values', () => {
    const m = new MetricsRegistry();
    m.define('e_total', 'counter', 'E.');
    m.inc('e_total', { v: 'a\\b"c\nd' });
    m.inc('e_total', { v: 'a\\b"c\nd' });
    expect(m.render()).toBe('# HELP e_total E.\n# TYPE e_total counter\ne_total{v="a\\\\b\\"c\\nd"} 2\n');
  });

  it('renders `name 0` for a counter with no series, unless told not to; an empty gauge has none', () => {
    const define = (m: MetricsRegistry) => {
      m.define('c_total', 'counter', 'C.');
      m.define('g', 'gauge', 'G.');
      return m;
    };
    expect(define(new MetricsRegistry()).render()).toBe(
      '# HELP c_total C.\n# TYPE c_total counter\nc_total 0\n# HELP g G.\n# TYPE g gauge\n',
    );
    expect(define(new MetricsRegistry({ zeroEmptyCounters: false })).render()).toBe(
      '# HELP c_total C.\n# TYPE c_total counter\n# HELP g G.\n# TYPE g gauge\n',
    );
  });

  it('runs collectors before rendering, on every render', () => {
    const m = new MetricsRegistry();
    m.define('live', 'gauge', 'Live value.');
    let level = 1;
    m.collect(() => m.set('live', { chain: 'c' }, level));
    expect(m.render()).toContain('live{chain="c"} 1\n');
    level = 9;
    expect(m.render()).toContain('live{chain="c"} 9\n');
  });

  it('keeps the first definition of a name and refuses undefined families', () => {
    const m = new MetricsRegistry();
    m.define('x', 'gauge', 'First.');
    m.define('x', 'counter', 'Second.');
    expect(m.render()).toBe('# HELP x First.\n# TYPE x gauge\n');
    expect(() => m.inc('nope_total')).toThrow(/nope_total is not defined/);
    expect(() => m.set('nope', {}, 1)).toThrow(/not defined/);
  });

  it('keeps single-label series apart whatever their values (memoised label text)', () => {
    const m = new MetricsRegistry();
    m.define('r_total', 'counter', 'R.');
    for (const method of ['a', 'b', 'a', 'a"', 'b']) m.inc('r_total', { method });
    m.inc('r_total', { other: 'a' });
    m.inc('r_total', { method: 'a' }, 0);
    expect(m.render()).toBe(
      '# HELP r_total R.\n# TYPE r_total counter\n' +
        'r_total{method="a"} 2\nr_total{method="b"} 2\nr_total{method="a\\""} 1\nr_total{other="a"} 1\n',
    );
  });
});
