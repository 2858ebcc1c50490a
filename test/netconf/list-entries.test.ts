/**
 * listEntries (render.ts): the entries of a list, the tree's instances and the configuration's rows merged by key, in
 * key order. It merges the instances (in key order already) with the rows by a map of keys instead of sorting
 * everything by key strings; here it is checked against that former way (written out below as the reference) on
 * random lists of string and number keys: instances only, rows only, both overlapping, rows given twice; and a number
 * key written as a string in the configuration names the same entry.
 */
import { expect } from 'chai';
import type { ConfigObject } from '../../src/config/document';
import { fieldOf } from '../../src/config/document';
import { modelIndex } from '../../src/model';
import type { ObjectClass } from '../../src/model';
import { listEntries } from '../../src/netconf/render';
import type { ListEntry } from '../../src/netconf/render';
import { ALL } from '../../src/netconf/projection';
import { InstanceTree, compareKeys, keyString } from '../../src/state/tree';
import type { Instance, Scalar } from '../../src/state/tree';

/** The former listEntries: every entry in a map by key string, then all sorted by key (stable). */
function reference(cls: ObjectClass, parent: Instance | undefined, doc: ConfigObject | undefined, state: boolean): ListEntry[] {
  const keys = cls.keys ?? [];
  const raw = doc?.[fieldOf(cls)];
  const docRows = Array.isArray(raw) ? (raw as unknown[]).filter((x): x is ConfigObject => typeof x === 'object' && x !== null) : [];
  const insts = state && parent ? parent.list(cls.name) : [];
  if (!docRows.length) return insts.map((i) => ({ inst: i, sub: ALL }));
  const byKey = new Map<string, { keys: Scalar[]; inst?: Instance; doc?: ConfigObject; sub: typeof ALL }>();
  for (const i of insts) byKey.set(keyString(i.keys), { keys: [...i.keys], inst: i, sub: ALL });
  for (const d of docRows) {
    const kv = keys.map((k) => d[k] as Scalar);
    const ks = keyString(kv);
    const e = byKey.get(ks);
    if (e) e.doc = d; else byKey.set(ks, { keys: kv, doc: d, sub: ALL });
  }
  return [...byKey.values()].sort((a, b) => compareKeys(a.keys, b.keys));
}

/** A small deterministic random source (the same lists in every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

function shape(entries: readonly ListEntry[]): { inst: Instance | undefined; doc: ConfigObject | undefined }[] {
  return entries.map((e) => ({ inst: e.inst, doc: e.doc }));
}

describe('listEntries: instances and configuration rows merged by key', () => {
  const node = modelIndex.cls('node');
  const alarm = modelIndex.cls('alarm');

  it('gives what sorting every entry by key gave, for string keys (nodes of a network)', () => {
    const next = rng(16);
    for (let round = 0; round < 200; round++) {
      const tree = new InstanceTree();
      const net = [{ cls: 'network', keys: ['n'] }];
      const names = (): string[] => Array.from({ length: Math.floor(next() * 12) }, () => `node${Math.floor(next() * 20)}`);
      for (const n of names()) tree.set([...net, { cls: 'node', keys: [n] }], { operState: 'enabled' });
      const rows = names().map((n, i) => ({ name: n, endpoint: `http://h${i}:8545` }));
      const doc: ConfigObject = round % 10 === 0 ? {} : { name: 'n', nodes: rows };
      const parent = tree.root.child('network', ['n']);
      for (const state of [true, false]) {
        const got = listEntries(node, parent, doc, { state });
        expect(shape(got), `round ${round}`).to.deep.equal(shape(reference(node, parent, doc, state)));
        for (const e of got) expect(e.sub).to.equal(ALL);
      }
    }
  });

  it('gives the same for number keys (alarms)', () => {
    const next = rng(61);
    for (let round = 0; round < 200; round++) {
      const tree = new InstanceTree();
      const fault = [{ cls: 'fault' }];
      for (let i = 0; i < 10; i++) if (next() < 0.5) tree.set([...fault, { cls: 'alarm', keys: [Math.floor(next() * 30)] }], { alarmText: 'x' });
      const rows = Array.from({ length: Math.floor(next() * 10) }, (_, i) => {
        const k = Math.floor(next() * 30);
        return { index: k, alarmText: `row${i}` };
      });
      const doc: ConfigObject = { alarms: rows };
      const parent = tree.root.child('fault');
      const got = listEntries(alarm, parent, doc, { state: true });
      const ref = reference(alarm, parent, doc, true);
      expect(shape(got), `round ${round}`).to.deep.equal(shape(ref));
    }
  });

  it('pairs an instance with its row and keeps the last of rows given twice', () => {
    const tree = new InstanceTree();
    const net = [{ cls: 'network', keys: ['n'] }];
    for (const n of ['b', 'd', 'f']) tree.set([...net, { cls: 'node', keys: [n] }], { operState: 'enabled' });
    const rows = [{ name: 'g' }, { name: 'd', endpoint: 'first' }, { name: 'a' }, { name: 'd', endpoint: 'second' }, { name: 'e' }];
    const parent = tree.root.child('network', ['n']);
    const got = listEntries(node, parent, { nodes: rows }, { state: true });
    expect(got.map((e) => [e.inst ? e.inst.keys[0] : null, e.doc ? `${String(e.doc.name)}${e.doc.endpoint ? `:${String(e.doc.endpoint)}` : ''}` : null])).to.deep.equal([
      [null, 'a'], ['b', null], ['d', 'd:second'], [null, 'e'], ['f', null], [null, 'g'],
    ]);
  });

  it('takes a number key written as a string for the same entry', () => {
    const tree = new InstanceTree();
    for (const k of [3, 7, 12]) tree.set([{ cls: 'fault' }, { cls: 'alarm', keys: [k] }], { alarmText: 'x' });
    const row = { index: '7', alarmText: 'configured' };
    const got = listEntries(alarm, tree.root.child('fault'), { alarms: [row] }, { state: true });
    expect(got.map((e) => [e.inst?.keys[0], e.doc])).to.deep.equal([[3, undefined], [7, row], [12, undefined]]);
  });
});
