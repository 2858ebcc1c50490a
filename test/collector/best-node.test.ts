/**
 * The network collector keeps its best node and its count of reachable nodes as polls come (O(1) per poll)
 * instead of scanning every node at each poll: after each of many random polls (heads up and down, nodes failing
 * and coming back, ties broken by name, the configuration changed midway) both agree with a scan of all nodes.
 */
import { expect } from 'chai';
import type { BlockSummary, ChainAdapter, NodeObservation } from '../../src/chains/adapter';
import { NetworkCollector } from '../../src/collector/network-collector';
import type { NodePoller } from '../../src/collector/node-poller';
import { networkSettings } from '../../src/config/settings';
import type { NetworkSettings } from '../../src/config/settings';
import { InstanceTree } from '../../src/state/tree';

/** A deterministic pseudo-random sequence (the failures of a seed can be replayed). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 0x100000000; };
}

const block = (height: number): BlockSummary => ({ height, hash: `h${height}`, parentHash: `h${height - 1}`, time: 1_700_000_000 + height, txCount: 0 });

/** A node whose head and health the test sets. */
class FakeNode {
  height = 0;
  up = true;

  adapter(): ChainAdapter {
    return {
      platform: 'ethereum',
      poll: async (): Promise<NodeObservation> => {
        if (!this.up) throw new Error('connection refused');
        return { node: {}, peers: [], network: {}, head: block(this.height), ledger: {}, logControlSupported: false };
      },
      blocks: async (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => block(from + i)),
      action: async () => undefined,
      stats: () => ({ calls: 0, errors: 0, lastLatencyMs: 0 }),
      close: async () => undefined,
    };
  }
}

function settings(names: readonly string[]): NetworkSettings {
  return networkSettings({ networks: [{ name: 'net', platform: 'ethereum', adminState: 'locked', pollInterval: 10, nodes: names.map((name) => ({ name, endpoint: `http://127.0.0.1:1/${name}` })) }] })[0];
}

/** The best node by a scan: the highest head of a reachable node, the lowest name on a tie. */
function scanBest(pollers: Iterable<NodePoller>): string | undefined {
  let best: NodePoller | undefined;
  for (const p of pollers) {
    if (!p.reachable || !p.last) continue;
    const h = p.last.head.height;
    if (!best || h > best.last!.head.height || (h === best.last!.head.height && p.settings.name < best.settings.name)) best = p;
  }
  return best?.settings.name;
}

describe('network collector: best node and reachable count kept per poll', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`agrees with a scan of all nodes after each of 400 random polls (seed ${seed})`, async () => {
      const r = rng(seed);
      const fakes = new Map<string, FakeNode>();
      const fake = (name: string): FakeNode => { let f = fakes.get(name); if (!f) { f = new FakeNode(); fakes.set(name, f); } return f; };
      let names = Array.from({ length: 12 }, (_, i) => `n${String.fromCharCode(97 + i)}`);
      const nc = new NetworkCollector(settings(names), new InstanceTree(), (_platform, node) => fake(node.name).adapter(), {
        block: () => undefined, reorg: () => undefined, reachability: () => undefined, polled: () => undefined, problem: () => undefined,
      });
      nc.apply(settings(names));
      let checks = 0;
      for (let step = 0; step < 400; step++) {
        if (step === 150 || step === 300) {
          // a node removed and one added (a changed configuration): both are found again
          names = [...names.slice(1), `m${step}`];
          nc.apply(settings(names));
        }
        const name = names[Math.floor(r() * names.length)];
        const f = fake(name);
        const x = r();
        if (x < 0.15) f.up = !f.up;
        else if (x < 0.25) f.height = Math.max(0, f.height - 1 - Math.floor(r() * 3)); // a lower head (a reorganisation, a lagging node)
        else if (x < 0.7) f.height += Math.floor(r() * 3); // the same head (ties) or a higher one
        await nc.pollers.get(name)!.pollOnce();
        expect(nc.best()?.settings.name, `step ${step}`).to.equal(scanBest(nc.pollers.values()));
        expect(nc.reachableCount, `step ${step}`).to.equal([...nc.pollers.values()].filter((p) => p.reachable).length);
        checks++;
      }
      expect(checks).to.equal(400);
      nc.stop();
    });
  }
});
