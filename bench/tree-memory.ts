/**
 * Heap cost and speed of the instance tree (src/state/tree.ts) at the scale of issue 16 target 4.
 * Run: node --expose-gc dist/bench/tree-memory.js [nodes] [peersPerNode] [rounds]
 * Fills trees with test/support/netconf.ts fillSynthetic(tree, 1, nodes, peers) and prints, after global.gc():
 * heap bytes per node (a tree filled without peers), heap bytes per peer (the difference a tree with peers
 * makes, divided by the peers), the time of a fill and of a refill of the filled tree (a poll's writes), and the time of a read pass (every node's attributes and
 * times, its peer list and each peer's attributes; repeated on one filled tree): heap figures are medians over
 * the rounds, times the best round (the least disturbed by other processes on the machine).
 */
import { InstanceTree } from '../src/state/tree';
import type { Instance } from '../src/state/tree';
import { fillSynthetic } from '../test/support/netconf';

const nodes = Number(process.argv[2] ?? '1000');
const peers = Number(process.argv[3] ?? '20');
const rounds = Number(process.argv[4] ?? '5');

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const collect = gc;

function heapAfterGc(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

/** Heap bytes held by a tree filled with this many peers per node (the tree is dropped afterwards). */
function heapOfFill(peersPerNode: number): number {
  const before = heapAfterGc();
  let tree: InstanceTree | undefined = new InstanceTree();
  fillSynthetic(tree, 1, nodes, peersPerNode);
  const after = heapAfterGc();
  if (tree.instances('node').length !== nodes) throw new Error('fill did not make the nodes');
  tree = undefined;
  return after - before;
}

function fillMs(): { ms: number; tree: InstanceTree } {
  const tree = new InstanceTree();
  const t0 = process.hrtime.bigint();
  fillSynthetic(tree, 1, nodes, peers);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, tree };
}

/** Reads every attribute and time of every node and peer, and each node's peer list; returns a count so nothing is optimised away. */
function readPass(tree: InstanceTree): number {
  let n = 0;
  const readAll = (inst: Instance): void => {
    for (const a of inst.cls.attributes) {
      if (inst.get(a.name) !== undefined) n++;
      if (inst.observedAt(a.name) !== undefined) n++;
    }
  };
  for (const node of tree.instances('node')) {
    readAll(node);
    for (const p of node.list('peer')) readAll(p);
    if (node.child('txPool')) n++;
  }
  return n;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const best = (xs: number[]): number => Math.min(...xs);

function main(): void {
  heapOfFill(peers); // warm-up: code and model caches
  const noPeers: number[] = [];
  const withPeers: number[] = [];
  for (let r = 0; r < rounds; r++) {
    noPeers.push(heapOfFill(0));
    withPeers.push(heapOfFill(peers));
  }
  const nodeBytes = median(noPeers);
  const allBytes = median(withPeers);
  const fills: number[] = [];
  let tree = new InstanceTree();
  for (let r = 0; r < rounds; r++) {
    const filled = fillMs();
    fills.push(filled.ms);
    tree = filled.tree;
  }
  const refills: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    fillSynthetic(tree, 1, nodes, peers);
    refills.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const reads: number[] = [];
  let count = 0;
  for (let r = 0; r < rounds * 4; r++) {
    const t0 = process.hrtime.bigint();
    count = readPass(tree);
    reads.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const mb = (b: number): string => (b / 1048576).toFixed(1);
  console.log(`tree of 1 network x ${nodes} nodes x ${peers} peers (heap after gc: median of ${rounds} rounds)`);
  console.log(`  heap, nodes without peers: ${mb(nodeBytes)} MB = ${Math.round(nodeBytes / nodes)} B per node (node, txPool and their share of network/ledger)`);
  console.log(`  heap, nodes with peers:    ${mb(allBytes)} MB; per peer ${Math.round((allBytes - nodeBytes) / (nodes * peers))} B`);
  console.log(`  fill: ${best(fills).toFixed(1)} ms; refill of the filled tree (every value again, as a poll): ${best(refills).toFixed(1)} ms; read pass (all node and peer values and times, peer lists): ${best(reads).toFixed(1)} ms (${count} reads); best of ${rounds} and ${reads.length}`);
}

main();
