/**
 * Fault management against real faults on the Ethereum dev chain (src/devchain): block production stopped
 * and started through RPC, and a node that goes up and down every second (a TCP proxy in front of the
 * chain that alternates between forwarding and refusing).
 */
import { expect } from 'chai';
import * as net from 'node:net';
import type { Bridge } from '../../src/bridge';
import type { ConfigObject } from '../../src/config/document';
import { startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import { createContractManager } from '../../src/contract';
import { createFaultManager } from '../../src/fault';
import type { FaultManager } from '../../src/fault';
import { waitFor } from '../support/litecoind';
import { NoticeLog, makeBridge, removeDir, sleep, tempDir } from './support';

/** A TCP proxy that forwards to a target, or refuses (resets every connection) while down. */
class FlappingProxy {
  private readonly server: net.Server;
  private readonly open = new Set<net.Socket>();
  private timer: NodeJS.Timeout | undefined;
  up = true;
  flips = 0;

  constructor(private readonly targetPort: number) {
    this.server = net.createServer((client) => {
      if (!this.up) { client.resetAndDestroy(); return; }
      const upstream = net.connect(this.targetPort, '127.0.0.1');
      this.open.add(client);
      this.open.add(upstream);
      const done = (): void => { client.destroy(); upstream.destroy(); this.open.delete(client); this.open.delete(upstream); };
      client.on('error', done).on('close', done);
      upstream.on('error', done).on('close', done);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Alternates between up and down every periodMs. */
  flap(periodMs: number): void {
    this.timer = setInterval(() => {
      this.up = !this.up;
      this.flips++;
      if (!this.up) for (const s of this.open) s.resetAndDestroy();
    }, periodMs);
  }

  steady(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.up = true;
  }

  async close(): Promise<void> {
    this.steady();
    for (const s of this.open) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('fault: real faults on the Ethereum dev chain', function () {
  this.timeout(90000);
  let chain: DevChain | undefined;
  let proxy: FlappingProxy | undefined;
  let dir: string;
  let bridge: Bridge | undefined;
  let fm: FaultManager | undefined;
  let notices: NoticeLog;
  let doc: ConfigObject;
  const LEDGER = 'network/dev/ledger/main';
  const FLAPPER = 'network/flap/node/f1';

  function config(flapHoldDown: number): ConfigObject {
    return {
      ...doc,
      fault: {
        alarmPolicies: [
          { type: 'peerCountLow', enabled: false }, // a dev chain has no peers
          { type: 'nodeUnreachable', raiseLevel: 1, clearLevel: 1, holdDown: flapHoldDown },
          { type: 'blockProductionStalled', raiseLevel: 3 },
          // The dev chain's workload reverts 7 of every 17 calls (41 %).
          { type: 'contractFailureRate', raiseLevel: 30, clearLevel: 10 },
        ],
      },
    };
  }

  before(async () => {
    dir = tempDir('eth');
    chain = await startDevChain({ blockIntervalMs: 500, workload: false });
    proxy = new FlappingProxy(chain.port);
    const proxyPort = await proxy.listen();
    doc = {
      configuration: { rpcTimeout: 800 },
      networks: [
        { name: 'dev', platform: 'ethereum', pollInterval: 1, expectedBlockInterval: 1, nodes: [{ name: 'n1', endpoint: chain.url }] },
        { name: 'flap', platform: 'ethereum', pollInterval: 1, expectedBlockInterval: 1, nodes: [{ name: 'f1', endpoint: `http://127.0.0.1:${proxyPort}` }] },
      ],
    };
    bridge = makeBridge(dir, config(0));
    fm = createFaultManager(bridge);
    bridge.addView(createContractManager(bridge));
    bridge.addView(fm);
    notices = new NoticeLog(bridge);
    await bridge.start();
  });

  after(async function () {
    this.timeout(30000);
    notices?.detach();
    await bridge?.stop();
    await proxy?.close();
    await chain?.stop();
    if (dir) removeDir(dir);
  });

  it('raises blockProductionStalled when block production stops, and clears it when it starts again', async () => {
    const ledger = (): number => Number(bridge!.tree.find([{ cls: 'network', keys: ['dev'] }, { cls: 'ledger', keys: ['main'] }])?.get('height') ?? -1);
    const h0 = ledger();
    await waitFor('the bridge to see blocks', () => ledger() >= h0 + 3 && ledger() > 0, 15000);
    expect(notices.of('blockProductionStalled', LEDGER)).to.deep.equal([]);

    await chain!.request('miner_stop');
    const stoppedAt = Date.now();
    const raised = await notices.waitFor('blockProductionStalled raised', (n) => n.type === 'blockProductionStalled' && n.resource === LEDGER && n.change === 'raised', 15000);
    const delay = raised.seenAt - stoppedAt;
    console.log(`      blockProductionStalled raised ${delay} ms after block production stopped (3 x expected 1 s, poll 1 s)`);
    expect(delay).to.be.within(1900, 5500);
    expect(raised.severity).to.equal('major');
    expect(raised.text).to.match(/^no new block on ledger main of network dev for [3-5] s \(expected every 1 s, configured\); head at height \d+$/);
    const inst = fm!.list.instance(raised.index)!;
    expect(inst.get('thresholdInfo')).to.match(/s without a block >= 3 x expected interval 1 s/);
    expect(inst.get('eventType')).to.equal('qualityOfServiceAlarm');

    await chain!.request('miner_start');
    const cleared = await notices.waitFor('blockProductionStalled cleared', (n) => n.type === 'blockProductionStalled' && n.resource === LEDGER && n.change === 'cleared', 10000);
    expect(cleared.index).to.equal(raised.index);
    expect(notices.of('blockProductionStalled', LEDGER).map((n) => n.change)).to.deep.equal(['raised', 'cleared']);
  });

  it('raises contractFailureRate on the workload contract, whose calls revert often', async () => {
    await chain!.workload.resume();
    // Network flap reaches the same chain through its proxy, so it may see the contract too: wait for dev's alarm.
    const raised = await notices.waitFor('contractFailureRate raised on dev', (n) => n.type === 'contractFailureRate' && n.change === 'raised' && n.resource.startsWith('network/dev/'), 30000);
    await chain!.workload.pause();
    expect(raised.resource).to.equal(`network/dev/contract/${chain!.workload.contractAddress!.toLowerCase()}`);
    expect(raised.text).to.match(/^\d+(\.\d+)? % of the last \d+ calls of contract \S+ on network dev reverted$/);
    const pct = Number(/^(\S+) %/.exec(raised.text)![1]);
    expect(pct).to.be.within(30, 70);
    expect(raised.severity).to.equal('minor');
  });

  it('a node that goes up and down every second: every flap without hold-down, at most one raise/clear pair per hold-down period with it', async () => {
    const changes = (from: number): { change: string; seenAt: number }[] => notices.seen.slice(from).filter((n) => n.type === 'nodeUnreachable' && n.resource === FLAPPER);
    await waitFor('the flapping node to be reachable', () => bridge!.tree.find([{ cls: 'network', keys: ['flap'] }, { cls: 'node', keys: ['f1'] }])?.get('reachability') === 'reachable', 10000);

    // Without hold-down: the alarm follows the flaps.
    let from = notices.seen.length;
    proxy!.flap(1000);
    await sleep(8000);
    const without = changes(from);
    console.log(`      hold-down 0 s: ${without.filter((n) => n.change === 'raised').length} raise(s), ${without.filter((n) => n.change === 'cleared').length} clear(s) in 8 s (${proxy!.flips} flips)`);
    expect(without.filter((n) => n.change === 'raised').length).to.be.at.least(2);

    // With a hold-down of 3 s: at most one raise/clear pair per period, state changes at least 3 s apart.
    const HOLD_S = 3;
    bridge!.commit(config(HOLD_S), { user: 'test', source: 'netconf' });
    from = notices.seen.length;
    const start = Date.now();
    await sleep(15000);
    const elapsedS = (Date.now() - start) / 1000;
    const withHd = changes(from);
    const raises = withHd.filter((n) => n.change === 'raised').length;
    console.log(`      hold-down ${HOLD_S} s: ${raises} raise(s), ${withHd.length - raises} clear(s) in ${Math.round(elapsedS)} s`);
    expect(raises).to.be.at.most(Math.floor(elapsedS / HOLD_S));
    for (let i = 1; i < withHd.length; i++) expect(withHd[i].seenAt - withHd[i - 1].seenAt).to.be.at.least(HOLD_S * 1000 - 250);
    expect(raises).to.be.lessThan(without.filter((n) => n.change === 'raised').length);

    // Steady again: whatever the state, it settles to cleared after the hold-down.
    proxy!.steady();
    await waitFor('the flapping node\'s alarm to be clear', () => !fm!.list.find(FLAPPER, 'nodeUnreachable') || fm!.list.find(FLAPPER, 'nodeUnreachable')!.isCleared, 10000);
  });
});
