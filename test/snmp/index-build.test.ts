/**
 * The MIB view's index built over turns (issue 16, target 5: no request holds the event loop): the first request
 * after a start over 1,000 nodes x 20 peers finds the index unbuilt; the build runs in steps of about a
 * millisecond (MibView.advance) and the requests that came meanwhile are answered, in order, when it ends.
 * The stepped build gives the same index as the one-go build; instances that come or go during a round are
 * edited in by the next. Driven by net-snmp's snmpget and snmpbulkwalk on the agent.
 */
import { expect } from 'chai';
import { modelIndex } from '../../src/model';
import { MibView, instanceIndex, sortInSteps } from '../../src/snmp/mibview';
import { entryOid } from '../../src/snmp/mibview';
import type { ViewIndex } from '../../src/snmp/view-index';
import { InstanceTree } from '../../src/state/tree';
import type { PathSeg } from '../../src/state/tree';
import { Turns } from '../../src/turns';
import { requireTool } from '../support/tools';
import { fillTree, snmp, startAgent } from '../support/snmp';
import type { TestAgent } from '../support/snmp';

const oids = (ix: ViewIndex): string[] => {
  const out: string[] = [];
  for (let i = 0; i < ix.length; i++) out.push(entryOid(ix.entry(i)!).join('.'));
  return out;
};

/** Runs a build round over turns; the number of turns it took. */
async function stepped(view: MibView): Promise<number> {
  let turns = 1;
  const t = new Turns();
  while (!view.advance(t)) { await t.next(); turns++; }
  return turns;
}

describe('snmp index built over turns', function () {
  this.timeout(120000);

  it('sortInSteps sorts like Array.prototype.sort, stably, at every size around its step', () => {
    for (const n of [0, 1, 2, 511, 512, 513, 1024, 1500, 5000]) {
      const items = Array.from({ length: n }, (_, i) => ({ k: (i * 7919) % 97, i }));
      const out: { k: number; i: number }[] = [];
      const g = sortInSteps(items.slice(), (a, b) => a.k - b.k, out);
      let steps = 0;
      while (!g.next().done) steps++;
      expect(out, `n=${n}`).to.deep.equal(items.slice().sort((a, b) => a.k - b.k));
      if (n > 1024) expect(steps, `n=${n}`).to.be.above(2);
    }
  });

  it('gives the same index stepped as in one go, and edits in what came or went during a round', async () => {
    const tree = new InstanceTree();
    fillTree(tree, 2, 50, 20);
    const once = new MibView(tree);
    once.setConfig({});
    const before = oids(once.index());
    const view = new MibView(tree);
    view.setConfig({});
    const t = new Turns();
    expect(view.advance(t)).to.equal(false); // 2,000 peer rows do not fit in a millisecond's slice
    expect(view.building).to.equal(true);
    // during the round: a peer comes, another goes
    const node = [{ cls: 'network', keys: ['net1'] }, { cls: 'node', keys: ['node49'] }];
    tree.set([...node, { cls: 'peer', keys: [99] }], { address: '10.9.9.9:30303' });
    tree.remove([...node, { cls: 'peer', keys: [1] }]);
    await stepped(view);
    expect(view.building).to.equal(false);
    const peer = modelIndex.cls('peer');
    const addr = modelIndex.attributeOid(peer, modelIndex.attr(peer, 'address'));
    const at = (keys: PathSeg[]): string => `${addr}.${instanceIndex(peer, keys)!.join('.')}`;
    const added = at([...node, { cls: 'peer', keys: [99] }]);
    const removed = at([...node, { cls: 'peer', keys: [1] }]);
    // the round's own snapshot, inside serving(): the peers as they were when it began
    const pinned = view.serving(() => oids(view.index()));
    expect(pinned).to.include(removed).and.not.include(added);
    expect(pinned).to.deep.equal(before);
    // outside serving(): the next round edits both in, at once (two changes: no stepped rebuild)
    const now = oids(view.index());
    expect(now).to.include(added).and.not.include(removed);
    const fresh = new MibView(tree);
    fresh.setConfig({});
    expect(now).to.deep.equal(oids(fresh.index()));
  });

  it('indexes and packs at most 64 rows between two points where the event loop may turn', () => {
    // 2,000 peer rows: indexed 64 per step, then packed 64 per step (a row of a node's table takes 10-50 us
    // to index: 512 per step held the loop up to 26 ms at 1,000 nodes)
    const tree = new InstanceTree();
    fillTree(tree, 2, 50, 20);
    const view = new MibView(tree);
    view.setConfig({});
    const once = new Turns(-1); // each advance() runs one step
    let steps = 1;
    while (!view.advance(once)) steps++;
    expect(steps).to.be.at.least(2 * Math.floor(2000 / 64));
    const fresh = new MibView(tree);
    fresh.setConfig({});
    expect(oids(view.index())).to.deep.equal(oids(fresh.index()));
  });

  describe('on the agent, 1,000 nodes x 20 peers', () => {
    let a: TestAgent;
    before(async function () {
      requireTool(this, 'snmpget', 'snmp');
      a = await startAgent(undefined);
      a.bridge.collector.apply([]);
      fillTree(a.bridge.tree, 10, 100, 20);
    });
    after(async () => { await a?.stop(); });

    it('answers the requests that came during the first build, in steps that let the event loop turn', async () => {
      const view = a.view.agent.view;
      let ticks = 0;
      let ticking = true;
      const tick = (): void => { if (view.building) ticks++; if (ticking) setImmediate(tick); };
      setImmediate(tick);
      const peer = modelIndex.cls('peer');
      const column = (name: string): string => modelIndex.attributeOid(peer, modelIndex.attr(peer, name));
      const last = instanceIndex(peer, [{ cls: 'network', keys: ['net9'] }, { cls: 'node', keys: ['node99'] }, { cls: 'peer', keys: [20] }])!.join('.');
      const first = instanceIndex(peer, [{ cls: 'network', keys: ['net0'] }, { cls: 'node', keys: ['node0'] }, { cls: 'peer', keys: [1] }])!.join('.');
      try {
        const [x, y, z] = await Promise.all([
          snmp('snmpget', a.target, ['-v2c', '-c', 'public', '-On', '-Oqv', '--', `${column('address')}.${last}`]),
          snmp('snmpget', a.target, ['-v1', '-c', 'public', '-On', '-OqvU', '--', `${column('pingTime')}.${first}`]),
          snmp('snmpbulkget', a.target, ['-v2c', '-c', 'public', '-On', '-Cr3', '--', `${column('address')}.${last}`]),
        ]);
        expect(x.stdout.trim()).to.equal('10.1.99.20:30303');
        expect(y.stdout.trim()).to.equal('251');
        // after the last peer's address: the first three rows of the peer table's next column
        const entry = column('address').split('.').slice(0, -1).join('.');
        const lines = z.stdout.split('\n').filter((l) => l.startsWith('.'));
        expect(lines, z.stdout).to.have.length(3);
        for (const l of lines) expect(l.startsWith(`.${entry}.`) && !l.startsWith(`.${column('address')}.`), l).to.equal(true);
      } finally {
        ticking = false;
      }
      expect(view.building).to.equal(false);
      expect(ticks, 'event-loop turns while the index was being built').to.be.above(5);
      expect(a.view.agent.droppedWhileBuilding).to.equal(0);
    });
  });
});
