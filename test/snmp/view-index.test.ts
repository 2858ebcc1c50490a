/**
 * The MIB view's index held per row (src/snmp/view-index.ts): its binary search over tables, columns and rows
 * finds what a linear scan of the entries finds for any OID; rows put in and taken out between two walks give the
 * answers of a freshly built index; and walks, GETs and GETNEXTs leave nothing behind in it. Pure, no servers.
 */
import { expect } from 'chai';
import { validateDocument } from '../../src/config/document';
import { modelIndex } from '../../src/model';
import { BerReader, BerWriter, Tag, encodeOidContent } from '../../src/snmp/ber';
import type { SnmpValue } from '../../src/snmp/ber';
import { decodePdu, encodePdu } from '../../src/snmp/message';
import { MibView, entryOid, entryOidContent } from '../../src/snmp/mibview';
import type { StaticObject } from '../../src/snmp/mibview';
import { get, getBulk, getNext } from '../../src/snmp/operations';
import { compareOids, parseOid } from '../../src/snmp/oid';
import type { Oid } from '../../src/snmp/oid';
import { InstanceTree } from '../../src/state/tree';
import { fillSynthetic } from '../support/netconf';

const NULL: SnmpValue = { type: 'null' };
const BUDGET = 65000;
const STATICS: StaticObject[] = [
  { oid: parseOid('1.3.6.1.2.1.1.3.0'), get: () => ({ type: 'timeTicks', value: 42 }) },
  { oid: parseOid('1.3.6.1.2.1.1.5.0'), get: () => ({ type: 'octets', value: Buffer.from('bcm') }) },
  { oid: parseOid('1.3.6.1.6.3.10.2.1.1.0'), get: () => ({ type: 'octets', value: Buffer.from('engine') }) },
];
const ROOT = parseOid(modelIndex.rootOid);
const DOC = validateDocument({ networks: [{ name: 'net1', platform: 'ethereum', nodes: [{ name: 'node2', endpoint: 'http://127.0.0.1:1' }, { name: 'zz', endpoint: 'http://127.0.0.1:2' }] }] });

function viewOf(tree: InstanceTree): MibView {
  const v = new MibView(tree, STATICS);
  v.setConfig(DOC);
  return v;
}

/** A whole walk of the view with GETBULK (max-repetitions 37) from 1.3, as the response bytes. */
function walkBytes(view: MibView): string {
  const w = new BerWriter(BUDGET);
  const out: string[] = [];
  let at: Oid = [1, 3];
  for (;;) {
    w.reset();
    getBulk(view, [{ oid: at, value: NULL }], 0, 37, w, BUDGET);
    out.push(w.buf.subarray(0, w.pos).toString('hex'));
    const vbs = decodePdu(new BerReader(encodePdu(Tag.Response, 1, 0, 0, Buffer.from(w.buf.subarray(0, w.pos))))).varbinds;
    const last = vbs[vbs.length - 1];
    if (!last || last.value.type === 'endOfMibView') return out.join('\n');
    at = last.oid;
  }
}

/** GET and GETNEXT of each OID, as response bytes. */
function answers(view: MibView, oids: readonly Oid[]): string[] {
  const w = new BerWriter(BUDGET);
  return oids.map((oid) => {
    w.reset();
    get(view, [{ oid, value: NULL }], false, w, BUDGET);
    const g = w.buf.subarray(0, w.pos).toString('hex');
    w.reset();
    getNext(view, [{ oid, value: NULL }], false, w, BUDGET);
    return `${g} ${w.buf.subarray(0, w.pos).toString('hex')}`;
  });
}

/** OIDs around every entry: itself, shortened, extended, one sub-identifier more or less at the end; and odd ones. */
function probes(view: MibView, every: number): Oid[] {
  const out: Oid[] = [[1, 3], [1, 3, 6, 1, 2, 1, 1], ROOT, [...ROOT, 0], [...ROOT, 1], [...ROOT, 999], [1, 3, 6, 1, 6, 3, 10, 2, 1, 1, 0, 5], [1, 4], [2, 0]];
  const idx = view.index();
  for (let i = 0; i < idx.length; i += every) {
    const o = entryOid(idx.entry(i)!);
    out.push(o, o.slice(0, -1), o.slice(0, Math.max(2, o.length - 3)), [...o, 0], [...o.slice(0, -1), o[o.length - 1] + 1], [...o.slice(0, -1), Math.max(0, o[o.length - 1] - 1)]);
  }
  return out;
}

describe('snmp MIB view: index per row', () => {
  it('finds, by binary search over tables, columns and rows, what a linear scan of the entries finds', () => {
    const tree = new InstanceTree();
    fillSynthetic(tree, 2, 4, 3);
    // INDEX sub-identifiers of 1 to 5 octets in BER
    for (const k of [200, 70000, 3000000, 300000000, 4294967295]) tree.set([{ cls: 'network', keys: ['net1'] }, { cls: 'node', keys: ['node\u00e9'] }, { cls: 'peer', keys: [k] }], { address: '10.1.1.1:1' });
    const view = viewOf(tree);
    const idx = view.index();
    const oids = [...idx].map(entryOid);
    expect(oids.some((o) => o[o.length - 1] === 4294967295)).to.equal(true);
    for (const e of idx) expect(entryOidContent(e).toString('hex'), entryOid(e).join('.')).to.equal(encodeOidContent(entryOid(e)).toString('hex'));
    for (let i = 1; i < oids.length; i++) expect(compareOids(oids[i - 1], oids[i]), oids[i].join('.')).to.be.below(0);
    expect(compareOids(oids[0], STATICS[0].oid)).to.equal(0);
    expect(compareOids(oids[oids.length - 1], STATICS[2].oid)).to.equal(0);
    for (const p of probes(view, 1)) {
      const scan = oids.filter((o) => compareOids(o, p) <= 0).length;
      expect(idx.next(p), p.join('.')).to.equal(scan);
      const hit = idx.exact(p);
      expect(hit ? entryOid(hit).join('.') : undefined, p.join('.')).to.equal(oids.some((o) => compareOids(o, p) === 0) ? p.join('.') : undefined);
    }
  });

  it('answers, after rows were put in and taken out between two walks, what a freshly built index answers', () => {
    const tree = new InstanceTree();
    fillSynthetic(tree, 3, 6, 4);
    const view = viewOf(tree);
    walkBytes(view);
    const node = (n: number, i: number): { cls: string; keys: string[] }[] => [{ cls: 'network', keys: [`net${n}`] }, { cls: 'node', keys: [`node${i}`] }];
    const steps: (() => void)[] = [
      () => tree.set([...node(0, 1), { cls: 'peer', keys: [77] }], { address: '10.7.7.7:1' }), // a row at the end of net0/node1's peers
      () => tree.set([...node(1, 0), { cls: 'peer', keys: [0] }], { address: '10.0.0.0:1' }), // a row before all of a table's rows
      () => tree.remove([...node(2, 5), { cls: 'peer', keys: [4] }]), // the last row of the table
      () => tree.remove([...node(0, 0), { cls: 'peer', keys: [1] }]), // the first row of the table
      () => { tree.remove(node(1, 3)); tree.set(node(1, 3), { height: 5n }); }, // gone and back: a new instance
      () => tree.set([{ cls: 'network', keys: ['net9'] }], { chainId: '9' }), // a network after the others
      () => tree.remove(node(1, 2)), // a configured row's instance: the table is rebuilt
      () => { for (let p = 1; p <= 4; p++) tree.remove([...node(2, 1), { cls: 'peer', keys: [p] }]); },
    ];
    for (const [k, step] of steps.entries()) {
      const before = view.index();
      step();
      const fresh = viewOf(tree);
      expect(view.index(), `step ${k}: a new index`).to.not.equal(before);
      expect(walkBytes(view), `step ${k}: walk`).to.equal(walkBytes(fresh));
      const p = probes(fresh, 7).concat(probes(view, 7));
      expect(answers(view, p), `step ${k}: GET and GETNEXT`).to.deep.equal(answers(fresh, p));
      fresh.close();
    }
    view.close();
  });

  it('holds no object per row or per cell, a few slots per row, and a full walk, GETs and GETNEXTs add nothing', () => {
    const tree = new InstanceTree();
    fillSynthetic(tree, 2, 10, 8);
    const view = viewOf(tree);
    const idx = view.index();
    const held = idx.held();
    // 2 networks, 20 nodes (2 configured: 3 objects each), 160 peers, ...: a few arrays per table
    const tables = modelIndex.model.classes.length;
    expect(held.objects).to.be.below(6 * tables + 3 * 4);
    // per row: its INDEX sub-identifiers (12 for a peer), its start, its instance (its configuration, in a configured table); not per cell
    expect(held.slots).to.be.above(160 * 12);
    walkBytes(view);
    answers(view, probes(view, 1));
    expect(view.index()).to.equal(idx);
    expect(idx.held()).to.deep.equal(held);
    // one more peer: its slots, whatever its number of columns, and no object
    tree.set([{ cls: 'network', keys: ['net0'] }, { cls: 'node', keys: ['node3'] }, { cls: 'peer', keys: [99] }], { address: '10.9.9.9:1' });
    const more = view.index().held();
    expect(more.objects).to.equal(held.objects);
    expect(more.slots - held.slots).to.equal(5 + 6 + 1 + 2); // "net0", "node3", 99; its start and instance
    view.close();
  });
});
