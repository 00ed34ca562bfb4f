import { AitbcCommand } from '../../cli/base-command.js';
import { Args, Flags } from '../../cli/oclif.js';
import { AitbcError } from '../../core/errors.js';
import type { StopResult } from '../../quant/sessions/process.js';

type Result = StopResult | { items: StopResult[] };

export default class AiTradingStop extends AitbcCommand<typeof AiTradingStop, Result> {
  static override summary = 'Stop a paper-trading session (from any invocation)';
  static override description =
    'Sends SIGTERM to the session’s process, which records its final state as "stopped" and exits; after --wait seconds it is killed. A session whose process already died is marked stopped.';
  static override examples = [
    '<%= config.bin %> ai-trading stop s-sma_cross-20250101T120000-ab12',
    '<%= config.bin %> ai-trading stop --all --json',
  ];
  static override args = { id: Args.string({ description: 'session id' }) };
  static override flags = {
    all: Flags.boolean({ description: 'stop every running session' }),
    wait: Flags.integer({
      description: 'seconds to wait for a clean exit before SIGKILL (default 10)',
      min: 1,
    }),
  };

  async run(): Promise<Result> {
    const ss = await import('../../quant/sessions/index.js');
    const secure = await import('../../cli/secure-fs.js');
    const paths = ss.tradingPaths(this.home.dir('trading'));
    const files = { write: secure.writeFileAtomic, mkdir: secure.ensureSecureDir };
    const opts = { timeoutMs: (this.flags.wait ?? 10) * 1000, now: Date.now };
    if (this.flags.all) {
      if (this.args.id) throw new AitbcError('USAGE', 'give a session id or --all, not both', {});
      const running = ss
        .listSessionIds(paths)
        .filter((id) => ss.summarizeSession(paths, id).status === 'running');
      const items: StopResult[] = [];
      for (const id of running) items.push(await ss.stopSession(paths, files, id, opts));
      return { items };
    }
    if (!this.args.id) this.missing('session id', 'an ID argument or --all');
    return ss.stopSession(paths, files, this.args.id as string, opts);
  }

  protected override renderHuman(r: Result): void {
    const line = (s: StopResult) =>
      this.out.line(
        s.previous === 'running'
          ? `session ${s.id} stopped${s.signal === 'SIGKILL' ? ' (killed: it did not exit in time)' : ''}`
          : `session ${s.id} was not running (${s.previous}); now ${s.status}`,
      );
    if ('items' in r) {
      if (r.items.length === 0) this.out.info('No running sessions.');
      r.items.forEach(line);
    } else line(r);
  }
}
