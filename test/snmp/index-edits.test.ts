/**
 * The MIB view's index is edited row by row when a few instances come and go (a peer connects, a chain tip is
 * replaced, a node is removed), and rebuilt when many do: either way it must be the index a new view builds from
 * the same tree and configuration, OID for OID and value for value. Pure, no servers.
 */
import { expect } from 'chai';
import { validateDocument } from '../../src/config/document';
import { MibView, entryOid } from '../../src/snmp/mibview';
import { InstanceTree } from '../../src/state/tree';
import { fillSynthetic } from '../support/netconf';

function signature(v: MibView): string[] {
  return [...v.index()].map((e) => `${entryOid(e).join('.')}=${JSON.stringify(v.value(e), (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x))}`);
}

describe('snmp MIB view: index edited in place', () => {
  it('equals a freshly built index after every batch of random additions and removals (peers, chain tips, nodes, configured rows)', () => {
    const tree = new InstanceTree();
    fillSynthetic(tree, 2, 10, 3);
    const doc = validateDocument({ networks: [{ name: 'net0', platform: 'ethereum', nodes: [{ name: 'node0', endpoint: 'http://127.0.0.1:1' }, { name: 'node3', endpoint: 'http://127.0.0.1:1' }] }] });
    const view = new MibView(tree);
    view.setConfig(doc);
    view.index();
    let seed = 7;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    let batches = 0;
    for (let round = 0; round < 200; round++) {
      // mostly a few changes (edited in place), sometimes more than the view edits row by row (rebuilt)
      const ops = rnd(10) === 0 ? 40 + rnd(40) : 1 + rnd(8);
      for (let i = 0; i < ops; i++) {
        const net = [{ cls: 'network', keys: [`net${rnd(2)}`] }];
        const node = [...net, { cls: 'node', keys: [`node${rnd(12)}`] }];
        switch (rnd(6)) {
          case 0: tree.set([...node, { cls: 'peer', keys: [1 + rnd(6)] }], { address: `10.0.0.${round}:1` }); break;
          case 1: tree.remove([...node, { cls: 'peer', keys: [1 + rnd(6)] }]); break;
          case 2: tree.set([...net, { cls: 'ledger', keys: ['main'] }, { cls: 'chainTip', keys: [1 + rnd(5)] }], { height: BigInt(round) }); break;
          case 3: tree.remove([...net, { cls: 'ledger', keys: ['main'] }, { cls: 'chainTip', keys: [1 + rnd(5)] }]); break;
          case 4: tree.remove(node); break;
          default: tree.set(node, { height: BigInt(round) });
        }
      }
      const fresh = new MibView(tree);
      fresh.setConfig(doc);
      expect(signature(view), `after round ${round}`).to.deep.equal(signature(fresh));
      fresh.close();
      batches++;
    }
    expect(batches).to.equal(200);
    const e = view.index();
    tree.set([{ cls: 'network', keys: ['net0'] }, { cls: 'node', keys: ['node1'] }, { cls: 'peer', keys: [99] }], { address: '10.9.9.9:1' });
    const after = view.index();
    expect(after, 'a new index after a structure change; the old one unchanged').to.not.equal(e);
    expect(after.length - e.length).to.be.above(0);
    view.close();
  });
});
