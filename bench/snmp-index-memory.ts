/**
 * Memory and speed of the SNMP MIB view's index (src/snmp/mibview.ts), in process, no network:
 * heap (plus array buffers) after gc before and after the index is built over 1,000 nodes x 20 peers (test/support/netconf.ts
 * fillSynthetic), after full walks of the bcm subtree (GETBULK, 50 repetitions), the time of a build and of an
 * edit after one peer came, and the time per GET (3 varbinds), GETNEXT (1 varbind) and GETBULK (1 x 50).
 * Uses only the view's public operations (MibView, index(), operations.ts), so the same file measures any version.
 *
 *   node --expose-gc dist/bench/snmp-index-memory.js [--networks N, default 10] [--nodes N per network, default 100] [--peers N, default 20]
 */
import { modelIndex } from '../src/model';
import { BerReader, BerWriter, Tag } from '../src/snmp/ber';
import type { SnmpValue } from '../src/snmp/ber';
import { decodePdu, encodePdu } from '../src/snmp/message';
import type { Varbind } from '../src/snmp/message';
import { MibView } from '../src/snmp/mibview';
import type { StaticObject } from '../src/snmp/mibview';
import { get, getBulk, getNext } from '../src/snmp/operations';
import { parseOid, startsWith } from '../src/snmp/oid';
import type { Oid } from '../src/snmp/oid';
import { InstanceTree } from '../src/state/tree';
import { fillSynthetic } from '../test/support/netconf';
import { arg } from './args';
import { snmpTargets } from './snmp-poll';

const num = (name: string, def: string): number => Number(arg(name, def));

const gc = (globalThis as { gc?: () => void }).gc;

/** Heap used plus array buffers (typed arrays' and Buffers' memory, outside the heap), after gc, MB. */
function heapMb(): number {
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1048576;
}

const NULL: SnmpValue = { type: 'null' };
const BUDGET = 65000;

/** The varbinds an operation wrote into w. */
function written(w: BerWriter): readonly Varbind[] {
  const pdu = encodePdu(Tag.Response, 1, 0, 0, Buffer.from(w.buf.subarray(0, w.pos)));
  return decodePdu(new BerReader(pdu)).varbinds;
}

/** Walks the subtree under root with GETBULK (non-repeaters 0, max-repetitions 50); the number of varbinds. */
function walk(view: MibView, root: Oid): number {
  const w = new BerWriter(BUDGET);
  let at: Oid = root;
  let n = 0;
  for (;;) {
    w.reset();
    getBulk(view, [{ oid: at, value: NULL }], 0, 50, w, BUDGET);
    const vbs = written(w);
    for (const vb of vbs) {
      if (vb.value.type === 'endOfMibView' || !startsWith(vb.oid, root)) return n;
      n++;
      at = vb.oid;
    }
    if (vbs.length === 0) return n;
  }
}

/** Median time in microseconds of op over rounds of repeated calls. */
function micros(op: (i: number) => void, calls: number): number {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) op(i);
    rounds.push(Number(process.hrtime.bigint() - t0) / 1000 / calls);
  }
  return rounds.sort((a, b) => a - b)[2];
}

function main(): void {
  const networks = num('networks', '10');
  const nodes = num('nodes', '100');
  const peers = num('peers', '20');
  const statics: StaticObject[] = [{ oid: parseOid('1.3.6.1.2.1.1.3.0'), get: () => ({ type: 'timeTicks', value: Math.floor(process.uptime() * 100) }) }];
  const tree = new InstanceTree();
  fillSynthetic(tree, networks, nodes, peers);
  const view = new MibView(tree, statics);
  view.setConfig({});
  const f = (n: number, d = 1): string => n.toFixed(d);
  console.log(`SNMP index: ${networks * nodes} nodes x ${peers} peers (${networks} networks), node ${process.version}`);
  const before = heapMb();
  let t0 = process.hrtime.bigint();
  view.index();
  const firstBuildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const built = heapMb();
  console.log(`heap + array buffers after gc: tree and view ${f(before)} MB; index built ${f(built)} MB (+${f(built - before)} MB, first build ${f(firstBuildMs)} ms)`);
  const root = parseOid(modelIndex.rootOid);
  t0 = process.hrtime.bigint();
  const varbinds = walk(view, root);
  const walkMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const walked = heapMb();
  walk(view, root);
  const walked2 = heapMb();
  console.log(`full walk of the bcm subtree: ${varbinds} varbinds in ${f(walkMs)} ms (${f(varbinds / walkMs * 1000, 0)} varbinds/s); heap after it ${f(walked)} MB (+${f(walked - built)} MB), after a second walk ${f(walked2)} MB`);
  // builds from scratch (a fresh view each time) and edits after one peer came
  const builds: number[] = [];
  for (let i = 0; i < 5; i++) {
    const v = new MibView(tree, statics);
    v.setConfig({});
    t0 = process.hrtime.bigint();
    v.index();
    builds.push(Number(process.hrtime.bigint() - t0) / 1e6);
    v.close();
  }
  const edits: number[] = [];
  for (let i = 0; i < 20; i++) {
    tree.set([{ cls: 'network', keys: ['net0'] }, { cls: 'node', keys: [`node${i}`] }, { cls: 'peer', keys: [1000 + i] }], { address: '10.9.9.9:1' });
    t0 = process.hrtime.bigint();
    view.index();
    edits.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const med = (l: number[]): number => l.slice().sort((a, b) => a - b)[l.length >> 1];
  console.log(`build of the index: median ${f(med(builds))} ms (of 5); after one peer came: median ${f(med(edits), 3)} ms (of 20)`);
  const t = snmpTargets(nodes, peers);
  const getVbs: Varbind[] = t.ours.map((o) => ({ oid: parseOid(o), value: NULL }));
  const w = new BerWriter(BUDGET);
  const us = {
    get: micros(() => { w.reset(); get(view, getVbs, false, w, BUDGET); }, 20000),
    getNext: micros((i) => { w.reset(); getNext(view, [getVbs[1 + (i & 1)]], false, w, BUDGET); }, 20000),
    getBulk: micros((i) => { w.reset(); getBulk(view, [getVbs[1 + (i & 1)]], 0, 50, w, BUDGET); }, 2000),
  };
  console.log(`per request (in process): GET (3 varbinds) ${f(us.get, 2)} us; GETNEXT (1) ${f(us.getNext, 2)} us; GETBULK (1 x 50) ${f(us.getBulk, 2)} us`);
  console.log(`heap after gc at the end: ${f(heapMb())} MB`);
  view.close();
}

main();
