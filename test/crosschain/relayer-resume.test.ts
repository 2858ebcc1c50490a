/**
 * The relayer command restarted with its default arguments resumes where it stopped (issue 12, item 30):
 * messages sent while it was down (killed with SIGKILL) are relayed after the restart, the channel's
 * pending count returns to 0 and crossChainBacklogStuck, raised meanwhile, clears. Its start lines say
 * where it starts and why.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Bridge } from '../../src/bridge';
import { createCrossChainManager } from '../../src/crosschain';
import { createFaultManager } from '../../src/fault';
import type { FaultManager } from '../../src/fault';
import type { Instance } from '../../src/state/tree';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { projectRoot } from '../support/tools';
import { until } from '../support/wait';
import { channelDoc, sendMessages, tracking, twoChains } from './two-chains';
import type { TwoChains } from './two-chains';

const STUCK = 2;

describe('relayer restarted with its default arguments', function () {
  this.timeout(120_000);
  let t: TwoChains;
  let tb: TestBridge;
  let fault: FaultManager;
  let workDir = '';
  let relayer: { p: ChildProcess; out: () => string } | undefined;

  const channel = (): Instance | undefined => tb.bridge.tree.find([{ cls: 'network', keys: ['dev-a'] }, { cls: 'crossChainChannel', keys: ['ab'] }]);
  const v = (attr: string): unknown => channel()?.get(attr);
  const alarm = (): { isCleared: boolean } | undefined => fault.list.all().find((x) => x.type === 'crossChainBacklogStuck' && x.resource === 'network/dev-a/crossChainChannel/ab');
  const send = (n: number): Promise<void> => sendMessages(t, n);
  /** The relayer command with the default arguments only (no --from-block, no --state). */
  const startRelayer = async (): Promise<{ p: ChildProcess; out: () => string }> => {
    const p = spawn(process.execPath, [path.join(projectRoot, 'dist', 'tools', 'relayer.js'),
      '--from', t.a.url, '--to', t.b.url, '--sender', t.sender, '--receiver', t.receiver, '--poll-ms', '200'], { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    await until('the relayer started', () => /from block \d+/.test(out), 30_000);
    return { p, out: () => out };
  };

  before(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-relayer-resume-'));
    t = await twoChains();
    tb = await startBridge(channelDoc(t, { stuckThreshold: STUCK }), { setup: (br: Bridge) => { fault = createFaultManager(br); br.addView(createCrossChainManager(br, { codeCheckMs: 300 })); br.addView(fault); } });
    await until('both ledgers tracked', () => tracking(tb.bridge, 'dev-a') && tracking(tb.bridge, 'dev-b'));
  });
  after(async () => {
    relayer?.p.kill('SIGKILL');
    await tb?.cleanup();
    await t?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('relays the messages sent while it was down: pending 0, the alarm cleared', async () => {
    relayer = await startRelayer();
    expect(relayer.out()).to.match(/starting at block \d+, after the head/);
    await send(2);
    await until('2 relayed', () => v('received') === 2n && v('pending') === 0n, 30_000);
    const exited = new Promise((r) => relayer!.p.once('exit', r));
    relayer.p.kill('SIGKILL');
    await exited;
    await send(8);
    await until('8 pending', () => v('pending') === 8n, 30_000);
    await until('crossChainBacklogStuck raised', () => alarm()?.isCleared === false, 20_000);

    relayer = await startRelayer();
    expect(relayer.out()).to.match(/resuming at block \d+, where it stopped \(state file relayer-0x[0-9a-f]{40}-0x[0-9a-f]{40}\.json\)/);
    await until('all relayed', () => v('pending') === 0n && v('received') === 10n, 30_000);
    expect(v('sent')).to.equal(10n);
    await until('crossChainBacklogStuck cleared', () => alarm()?.isCleared === true, 20_000);
  });
});
