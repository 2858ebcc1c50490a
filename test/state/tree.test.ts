/**
 * The instance tree's compact storage (src/state/tree.ts): values by slot with their observation times,
 * absent attributes, leaf-lists and 64-bit values, children created with the first child, list order and
 * its cache, replaceList removals, instances(cls), and the detached snapshot that alarm notices carry.
 */
import { expect } from 'chai';
import { InstanceTree } from '../../src/state/tree';
import type { Instance, Path } from '../../src/state/tree';

const NET: Path = [{ cls: 'network', keys: ['dev'] }];
const NODE: Path = [...NET, { cls: 'node', keys: ['n1'] }];
const JOB: Path = [{ cls: 'performance' }, { cls: 'measurementJob', keys: ['j'] }];

function events(tree: InstanceTree): { changed: string[][]; added: string[]; removed: string[] } {
  const seen = { changed: [] as string[][], added: [] as string[], removed: [] as string[] };
  tree.on('changed', (_i, names) => seen.changed.push([...names]));
  tree.on('added', (i) => seen.added.push(i.resource()));
  tree.on('removed', (i) => seen.removed.push(i.resource()));
  return seen;
}

const peers = (n: number[]): { keys: number[]; values: { address: string } }[] => n.map((k) => ({ keys: [k], values: { address: `10.0.0.${k}:30303` } }));

describe('instance tree storage', () => {
  it('tells an absent attribute from a written one, and an undefined write makes it absent again', () => {
    const tree = new InstanceTree();
    const seen = events(tree);
    const node = tree.set(NODE, { height: 5n }, 1000);
    expect(node.get('peerCount')).to.equal(undefined);
    expect(node.has('peerCount')).to.equal(false);
    expect(node.observedAt('peerCount')).to.equal(undefined);
    expect(node.get('noSuchAttribute')).to.equal(undefined);
    tree.write(node, { peerCount: 0 }, 2000);
    expect(node.has('peerCount')).to.equal(true);
    expect(node.get('peerCount')).to.equal(0);
    const v = tree.valueVersion;
    tree.write(node, { peerCount: undefined }, 3000);
    expect(node.has('peerCount')).to.equal(false);
    expect(node.observedAt('peerCount')).to.equal(undefined);
    expect(tree.valueVersion).to.equal(v + 1);
    tree.write(node, { peerCount: undefined }, 4000);
    expect(tree.valueVersion, 'removing an absent attribute changes nothing').to.equal(v + 1);
    expect(seen.changed).to.deep.equal([['height'], ['peerCount'], ['peerCount']]);
    expect(() => tree.write(node, { noSuchAttribute: 1 })).to.throw('node has no attribute noSuchAttribute');
  });

  it('keeps each attribute\'s observation time; a rewrite of the same value renews the time without a change event', () => {
    const tree = new InstanceTree();
    const seen = events(tree);
    const node = tree.set(NODE, { height: 5n, peerCount: 3 }, 1000);
    tree.write(node, { height: 5n }, 2000);
    expect(node.observedAt('height')).to.equal(2000);
    expect(node.observedAt('peerCount')).to.equal(1000);
    expect(seen.changed).to.deep.equal([['height', 'peerCount']]);
    const t = Date.UTC(2030, 0, 1, 0, 0, 0, 123);
    tree.write(node, { lastObserved: t, height: 2n ** 64n - 1n }, t + 0.5);
    expect(node.get('lastObserved')).to.equal(t);
    expect(node.observedAt('lastObserved')).to.equal(t + 0.5);
    expect(node.get('height')).to.equal(18446744073709551615n);
    expect(seen.changed[1]).to.deep.equal(['lastObserved', 'height']);
  });

  it('stores leaf-lists and compares them by content', () => {
    const tree = new InstanceTree();
    const seen = events(tree);
    const job = tree.set(JOB, { metrics: ['height', 'peers'] }, 1);
    expect(job.get('metrics')).to.deep.equal(['height', 'peers']);
    tree.write(job, { metrics: ['height', 'peers'] }, 2);
    tree.write(job, { metrics: ['height'] }, 3);
    tree.write(job, { metrics: [] }, 4);
    expect(job.get('metrics')).to.deep.equal([]);
    expect(job.has('metrics'), 'an empty leaf-list is a value').to.equal(true);
    expect(seen.changed.map((c) => c.join())).to.deep.equal(['metrics', 'metrics', 'metrics']);
  });

  it('writes the keys as key attributes, and lists entries in model order', () => {
    const tree = new InstanceTree();
    const before = Date.now();
    const node = tree.set(NODE, { peerCount: 2, height: 7n }, 50);
    expect(node.get('name')).to.equal('n1');
    expect(node.observedAt('name')).to.be.at.least(before);
    const names = node.cls.attributes.map((a) => a.name);
    const listed = [...node.entries()];
    expect(listed.map(([n]) => n)).to.deep.equal(names.filter((n) => ['name', 'peerCount', 'height'].includes(n)));
    expect(listed.find(([n]) => n === 'height')).to.deep.equal(['height', 7n, 50]);
  });

  it('creates children with the first child: empty reads before, lookups after, empty again after removal', () => {
    const tree = new InstanceTree();
    const node = tree.set(NODE, {});
    expect(node.childCount('peer')).to.equal(0);
    expect(node.list('peer')).to.deep.equal([]);
    expect(node.child('peer', [1])).to.equal(undefined);
    tree.replaceList(NODE, 'peer', peers([2]));
    const p = node.child('peer', [2])!;
    expect(p.get('address')).to.equal('10.0.0.2:30303');
    expect(p.parent).to.equal(node);
    expect(p.childCount('anything')).to.equal(0);
    expect(p.list('anything')).to.deep.equal([]);
    expect(node.childCount('peer')).to.equal(1);
    expect(node.list('peer')).to.deep.equal([p]);
    expect(node.child('peer', ['2']), 'a key given as text').to.equal(p);
    expect(tree.remove([...NODE, { cls: 'peer', keys: [2] }])).to.equal(true);
    expect(node.childCount('peer')).to.equal(0);
    expect(node.list('peer')).to.deep.equal([]);
    expect(p.get('address'), 'a removed instance keeps its values for the removed listeners').to.equal('10.0.0.2:30303');
  });

  it('lists children in key order, the same array until the list changes', () => {
    const tree = new InstanceTree();
    tree.replaceList(NODE, 'peer', peers([10, 2, 33, 1]));
    const node = tree.find(NODE)!;
    const first = node.list('peer');
    expect(first.map((i) => i.keys[0])).to.deep.equal([1, 2, 10, 33]);
    expect(node.list('peer')).to.equal(first);
    expect(Object.isFrozen(first)).to.equal(true);
    tree.set([...NODE, { cls: 'peer', keys: [5] }], { address: 'x' });
    expect(node.list('peer').map((i) => i.keys[0])).to.deep.equal([1, 2, 5, 10, 33]);
    expect(first.map((i) => i.keys[0]), 'an array handed out earlier is not changed').to.deep.equal([1, 2, 10, 33]);
  });

  it('replaceList removes the rows that are gone (with their children) and keeps the others\' instances', () => {
    const tree = new InstanceTree();
    tree.replaceList(NODE, 'peer', peers([1, 2, 3]));
    const node = tree.find(NODE)!;
    const kept = node.child('peer', [2]);
    const seen = events(tree);
    const s = tree.structureVersion;
    tree.replaceList(NODE, 'peer', peers([2, 4]), 99);
    expect(seen.removed).to.deep.equal(['network/dev/node/n1/peer/1', 'network/dev/node/n1/peer/3']);
    expect(seen.added).to.deep.equal(['network/dev/node/n1/peer/4']);
    expect(tree.structureVersion).to.equal(s + 3);
    expect(node.child('peer', [2])).to.equal(kept);
    expect(kept!.observedAt('address')).to.equal(99);
    expect(node.list('peer').map((i) => i.keys[0])).to.deep.equal([2, 4]);
    expect(tree.instances('peer').map((i) => i.keys[0]).sort()).to.deep.equal([2, 4]);
    tree.remove(NET);
    expect(tree.instances('peer')).to.deep.equal([]);
    expect(tree.instances('node')).to.deep.equal([]);
    expect(tree.find(NODE)).to.equal(undefined);
  });

  it('instances(cls) is kept until an instance of the class comes or goes', () => {
    const tree = new InstanceTree();
    expect(tree.instances('node')).to.deep.equal([]);
    tree.set(NODE, {});
    const a = tree.instances('node');
    expect(a.map((i) => i.resource())).to.deep.equal(['network/dev/node/n1']);
    tree.set(NODE, { peerCount: 1 });
    tree.set([...NODE, { cls: 'peer', keys: [1] }], {});
    expect(tree.instances('node')).to.equal(a);
    tree.set([...NET, { cls: 'node', keys: ['n2'] }], {});
    expect(tree.instances('node').map((i) => i.resource()).sort()).to.deep.equal(['network/dev/node/n1', 'network/dev/node/n2']);
    expect(a).to.have.length(1);
    expect(tree.instances('managedSystem').map((i: Instance) => i.resource())).to.deep.equal(['']);
  });

  it('a snapshot is a detached copy: same path, values and times of the moment, no children', () => {
    const tree = new InstanceTree();
    const node = tree.set(NODE, { height: 1n }, 10);
    tree.replaceList(NODE, 'peer', peers([1]));
    const snap = node.snapshot();
    tree.write(node, { height: 2n, peerCount: 4 }, 20);
    expect(snap.resource()).to.equal('network/dev/node/n1');
    expect(snap.get('height')).to.equal(1n);
    expect(snap.observedAt('height')).to.equal(10);
    expect(snap.has('peerCount')).to.equal(false);
    expect(snap.get('name')).to.equal('n1');
    expect(snap.list('peer')).to.deep.equal([]);
    expect(tree.find(NODE)).to.equal(node);
  });
});
