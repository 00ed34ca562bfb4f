import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareSteps, decideSign, SignState } from '../../../src/node/consensus/sign-state.js';
import { tempDir } from '../../helpers/cli.js';

describe('sign-state guard', () => {
  let dir: { dir: string; cleanup: () => void };
  let file: string;
  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir.dir, 'node', 'sign_state.json');
  });
  afterEach(() => dir.cleanup());

  const req = (
    height: number,
    round: number,
    step: 'prevote' | 'precommit',
    blockHash: string,
    time = 1000,
  ) => ({
    chainId: 'c1',
    height,
    round,
    step,
    blockHash,
    time,
    sign: (t: number) => `sig-${height}-${round}-${step}-${blockHash}-${t}`,
  });

  it('orders steps by height, round, then proposal < prevote < precommit', () => {
    expect(
      compareSteps({ height: 2, round: 0, step: 'proposal' }, { height: 1, round: 9, step: 'precommit' }),
    ).toBeGreaterThan(0);
    expect(
      compareSteps({ height: 1, round: 1, step: 'proposal' }, { height: 1, round: 0, step: 'precommit' }),
    ).toBeGreaterThan(0);
    expect(
      compareSteps({ height: 1, round: 0, step: 'prevote' }, { height: 1, round: 0, step: 'precommit' }),
    ).toBeLessThan(0);
  });

  it('records before returning, and survives a reload (restart)', () => {
    const s = new SignState(file);
    expect(s.sign(req(5, 0, 'prevote', 'aa'))).toEqual({ time: 1000, sig: 'sig-5-0-prevote-aa-1000' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const reloaded = new SignState(file);
    expect(reloaded.last('c1')).toMatchObject({ height: 5, round: 0, step: 'prevote', blockHash: 'aa' });
  });

  it('never signs a different block at the same (height, round, type), even after a restart', () => {
    new SignState(file).sign(req(5, 0, 'precommit', 'aa'));
    const restarted = new SignState(file);
    expect(() => restarted.sign(req(5, 0, 'precommit', 'bb'))).toThrowError(/double-sign/);
    try {
      restarted.sign(req(5, 0, 'precommit', 'bb'));
    } catch (e) {
      expect((e as { code: string }).code).toBe('FORBIDDEN');
    }
  });

  it('repeats the original signature and time for the identical step and block', () => {
    const s = new SignState(file);
    const first = s.sign(req(7, 1, 'precommit', 'cc', 1000));
    const again = new SignState(file).sign(req(7, 1, 'precommit', 'cc', 5000));
    expect(again).toEqual(first);
  });

  it('refuses to regress to an earlier step, and allows the next round', () => {
    const s = new SignState(file);
    s.sign(req(3, 0, 'precommit', 'aa'));
    expect(() => s.sign(req(3, 0, 'prevote', 'aa'))).toThrowError(/already signed/);
    expect(() => s.sign(req(2, 5, 'precommit', 'aa'))).toThrowError(/already signed/);
    expect(s.sign(req(3, 1, 'prevote', 'bb')).sig).toBe('sig-3-1-prevote-bb-1000');
  });

  it('keeps chains apart', () => {
    const s = new SignState(file);
    s.sign(req(9, 0, 'precommit', 'aa'));
    expect(s.sign({ ...req(1, 0, 'precommit', 'dd'), chainId: 'c2' }).sig).toContain('dd');
  });

  it('refuses to start from a corrupt file rather than guess', () => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"version":1,"chains":{"c1":{"height":"x"}}}');
    expect(() => new SignState(file)).toThrowError(/unusable/);
    fs.writeFileSync(file, 'not json');
    expect(() => new SignState(file)).toThrowError(/unusable/);
  });

  it('decideSign is pure', () => {
    expect(decideSign(undefined, { height: 1, round: 0, step: 'prevote', blockHash: '' })).toEqual({
      action: 'sign',
    });
  });
});
