import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { startDevnet as startDevnetProcess } from '../helpers/devnet.js';

interface Ready {
  endpoints: { rpc: string; ws: string };
}

function startDevnet() {
  return startDevnetProcess<Ready>(['--no-marketplace']);
}

const home = tempDir('aitbc-surv-chain-');
let devnet: Awaited<ReturnType<typeof startDevnet>>;
const cli = (args: string[]) =>
  runCli(args, {
    home: home.dir,
    env: { AITBC_NODE: devnet.ready.endpoints.rpc, AITBC_PASSWORD: 'pw' },
    timeoutMs: 120_000,
  });

beforeAll(async () => {
  devnet = await startDevnet();
}, 120_000);

afterAll(async () => {
  await cli(['ai-surveillance', 'stop', '--all', '--json']);
  await devnet?.stop();
  home.cleanup();
});

describe('ai-surveillance on the chain', () => {
  it('finds value passed around a cycle of wallets', async () => {
    for (const w of ['a', 'b', 'c']) {
      expect((await cli(['wallet', 'create', w, '--scrypt-n', '16384', '--json'])).code).toBe(0);
    }
    expect((await cli(['wallet', 'faucet', '-w', 'a', '--json'])).code).toBe(0);
    const hashes: string[] = [];
    for (const [from, to, amount] of [
      ['a', 'b', '10AIT'],
      ['b', 'c', '9.9AIT'],
      ['c', 'a', '9.8AIT'],
    ]) {
      const r = await cli(['wallet', 'send', to, amount, '-w', from, '--json']);
      expect(r.code).toBe(0);
      hashes.push(r.json().hash);
    }
    const start = await cli([
      'ai-surveillance',
      'start',
      '--source',
      'chain',
      '--detach',
      '--id',
      'chainwatch',
      '--json',
    ]);
    expect(start.code).toBe(0);
    let items: Array<{ type: string; eventIds: string[]; accounts: string[] }> = [];
    for (let i = 0; i < 60 && items.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      items = (await cli(['ai-surveillance', 'alerts', '--type', 'circular_transfer', '--json'])).json()
        .items;
    }
    expect(items).toHaveLength(1);
    expect(items[0].eventIds).toEqual(hashes);
    expect(items[0].accounts).toHaveLength(3);
    const stop = await cli(['ai-surveillance', 'stop', 'chainwatch', '--json']);
    expect(stop.json()).toMatchObject({ previous: 'running', status: 'stopped' });
  });
});
