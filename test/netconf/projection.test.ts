/**
 * Query cost proportional to the answer (issue 16 target 2): a filtered <get> or <get-config> builds only the part
 * of /managed-system its filter may select or look at (src/netconf/projection.ts, xpath-projection.ts), and the
 * answer is the one the filter gives on the whole tree. The oracle is the filter applied after building the whole
 * tree, on the same instant of real data: a bridge polling an Ethereum dev chain (Hardhat, with its workload) as
 * two nodes, a configuration-only network, and two synthetic networks with peers. Many filters: subtree with content
 * match, selection and nested lists, XPath with predicates, positions and unions, each under every with-defaults
 * mode, for <get> (state) and <get-config>; and the reply of a NETCONF <get> over HTTP, with the filter, equals the
 * old answer on data that does not move.
 */
import { expect } from 'chai';
import { startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import { nodesToXml } from '../../src/netconf/data';
import type { DNode } from '../../src/netconf/data';
import { applyFilter, filterOf, filterProjection } from '../../src/netconf/params';
import type { Filter, WithDefaultsMode } from '../../src/netconf/params';
import { ALL, projectNodes, topProjection } from '../../src/netconf/projection';
import { managedSystemNode } from '../../src/netconf/render';
import { parseXml } from '../../src/netconf/xml';
import { BCM, NC, READER, fillSynthetic, httpRequest, rpc, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';
import { until } from '../support/wait';

const subtree = (inner: string): Filter => filterOf(parseXml(`<get xmlns="${NC}"><filter type="subtree">${inner}</filter></get>`))!;
const xpath = (select: string): Filter => filterOf(parseXml(`<get xmlns="${NC}"><filter type="xpath" xmlns:bcm="${BCM}" select="${select.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;')}"/></get>`))!;
const ms = (inner: string): string => `<managed-system xmlns="${BCM}">${inner}</managed-system>`;

function count(nodes: readonly DNode[]): number {
  let n = 0;
  for (const x of nodes) n += 1 + count(x.children ?? []);
  return n;
}

/** Filters that select a small part: the pruned tree must be much smaller than the whole. */
const SELECTIVE: [string, Filter][] = [
  ['subtree: one node by key', subtree(ms('<network><name>net1</name><node><name>node3</name></node></network>'))],
  ['subtree: one leaf of one node', subtree(ms('<network><name>net0</name><node><name>node2</name><height/></node></network>'))],
  ['subtree: one peer of one node', subtree(ms('<network><name>net0</name><node><name>node1</name><peer><index>2</index></peer></node></network>'))],
  ['subtree: a peer leaf of every node, keys by content match', subtree(ms('<network><name>net1</name><node><peer><index>1</index><address/></peer></node></network>'))],
  ['subtree: the real chain\'s node n2 whole', subtree(ms('<network><name>dev</name><node><name>n2</name></node></network>'))],
  ['subtree: the real ledger', subtree(ms('<network><name>dev</name><ledger/></network>'))],
  ['subtree: content match on a leaf that is not a key', subtree(ms('<network><node><reachability>reachable</reachability><name/><height/></node></network>'))],
  ['subtree: two containment nodes of one list, united', subtree(ms('<network><name>net0</name><node><name>node0</name><height/></node><node><name>node0</name><peer-count/></node><node><name>node4</name><syncing/></node></network>'))],
  ['subtree: a missing key', subtree(ms('<network><name>net0</name><node><name>nope</name></node></network>'))],
  ['subtree: a configuration-only network, content match only', subtree(ms('<network><name>cfgonly</name></network>'))],
  ['subtree: empty namespace matches any', subtree('<managed-system xmlns=""><network><name>dev</name><chain-id/></network></managed-system>')],
  ['XPath: one node by key', xpath("/bcm:managed-system/bcm:network[bcm:name='net1']/bcm:node[bcm:name='node3']")],
  ['XPath: a leaf of one node, double-quoted literal', xpath('/bcm:managed-system/bcm:network[bcm:name="net0"]/bcm:node[bcm:name="node4"]/bcm:height')],
  ['XPath: a peer by a numeric key', xpath("/bcm:managed-system/bcm:network[bcm:name='net0']/bcm:node[bcm:name='node1']/bcm:peer[bcm:index=3]/bcm:address")],
  ['XPath: a peer by a string literal of its numeric key', xpath("/bcm:managed-system/bcm:network[bcm:name='net0']/bcm:node[bcm:name='node1']/bcm:peer[bcm:index='3']")],
  ['XPath: the real node, then a positional predicate', xpath("/bcm:managed-system/bcm:network[bcm:name='dev']/bcm:node[bcm:name='n1'][1]/bcm:height")],
  ['XPath: every node height of one network', xpath("/bcm:managed-system/bcm:network[bcm:name='dev']/bcm:node/bcm:height")],
  ['XPath: predicate on a non-key leaf', xpath("/bcm:managed-system/bcm:network[bcm:name='net1']/bcm:node[bcm:peer-count > 2][bcm:height > 5]/bcm:name")],
  ['XPath: predicate reading a nested list', xpath("/bcm:managed-system/bcm:network[bcm:name='net1']/bcm:node[bcm:peer/bcm:index = 2]/bcm:name")],
  ['XPath: union of two keyed paths', xpath("/bcm:managed-system/bcm:network[bcm:name='net0']/bcm:node[bcm:name='node0']/bcm:height | /bcm:managed-system/bcm:network[bcm:name='dev']/bcm:ledger")],
  ['XPath: unprefixed names', xpath("/managed-system/network[name='net0']/node[name='node2']/peer-count")],
  ['XPath: key equality and another condition', xpath("/bcm:managed-system/bcm:network[bcm:name='net0' and bcm:oper-state='enabled']/bcm:name")],
  ['XPath: a missing key', xpath("/bcm:managed-system/bcm:network[bcm:name='none']/bcm:node")],
];

/** Filters the projection cannot prune much, or at all (the filter then sees the whole tree, as before). */
const BROAD: [string, Filter][] = [
  ['subtree: selection of the whole module', subtree(ms(''))],
  ['subtree: every network name', subtree(ms('<network><name/></network>'))],
  ['subtree: configuration and fault', subtree(ms('<configuration/><fault/>'))],
  ['XPath: descendant axis', xpath("//bcm:node[bcm:name='node1']/bcm:height")],
  ['XPath: positions among all networks', xpath('/managed-system/network[2]/name')],
  ['XPath: count() over every list', xpath('/bcm:managed-system/bcm:network[count(bcm:node) > 2]/bcm:name')],
  ['XPath: not()', xpath("/bcm:managed-system/bcm:network[not(bcm:platform='ethereum')]/bcm:name")],
  ['XPath: parent axis in a predicate', xpath("/bcm:managed-system/bcm:network/bcm:node[../bcm:name='net0'][bcm:name='node1']/bcm:height")],
  ['XPath: absolute path in a predicate', xpath("/bcm:managed-system/bcm:network[bcm:name=/bcm:managed-system/bcm:network[bcm:platform='bitcoin']/bcm:name]/bcm:name")],
  ['XPath: wildcard step', xpath("/bcm:managed-system/bcm:network[bcm:name='net0']/*/bcm:name")],
  ['XPath: self in a predicate', xpath("/bcm:managed-system/bcm:network/bcm:name[.='net1']")],
  ['XPath: first predicate positional, then a key', xpath("/bcm:managed-system/bcm:network[bcm:name='net0']/bcm:node[2][bcm:name='node1']")],
];

const MODES: WithDefaultsMode[] = ['explicit', 'report-all', 'trim'];

describe('filtered <get> builds only what its filter may select, with the same answer (src/netconf/projection.ts)', function () {
  this.timeout(120_000);
  let chain: DevChain;
  let nb: NetconfBridge;

  before(async () => {
    chain = await startDevChain({ blockIntervalMs: 500, workload: true });
    nb = await startNetconfBridge({
      networks: [
        { name: 'dev', platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: chain.url }, { name: 'n2', endpoint: chain.url, role: 'archive' }] },
        { name: 'cfgonly', platform: 'bitcoin', adminState: 'locked', description: 'configured, not collected', nodes: [{ name: 'b1', endpoint: 'http://127.0.0.1:9' }] },
      ],
    });
    fillSynthetic(nb.bridge.tree, 2, 5, 3);
    await until('both nodes of the dev chain polled, blocks seen', () => {
      const t = nb.bridge.tree;
      const n = (name: string) => t.find([{ cls: 'network', keys: ['dev'] }, { cls: 'node', keys: [name] }]);
      const h = n('n2')?.get('height');
      return n('n1')?.get('reachability') === 'reachable' && n('n2')?.get('reachability') === 'reachable' && h !== undefined && BigInt(h as bigint) > 2n ? true : undefined;
    }, 60_000);
  });
  after(async () => { await nb?.cleanup(); await chain?.stop(); });

  /** The old answer (filter after building everything) and the new one (build the projection, then filter), at one instant. */
  function both(f: Filter, mode: WithDefaultsMode, state: boolean): { old: string; now: string; whole: number; pruned: number } {
    const root = state ? nb.bridge.tree.root : undefined;
    const doc = nb.bridge.datastore.get('running');
    const opts = { state, withDefaults: mode };
    const whole = managedSystemNode(root, doc, opts);
    const pruned = managedSystemNode(root, doc, opts, topProjection(filterProjection(f), 'managed-system'));
    return { old: nodesToXml(applyFilter([whole], f)), now: nodesToXml(applyFilter([pruned], f)), whole: count([whole]), pruned: count([pruned]) };
  }

  it('selective filters: the same answer for <get> and <get-config> in every with-defaults mode, from a far smaller tree', () => {
    let answered = 0;
    for (const [name, f] of SELECTIVE) {
      for (const mode of MODES) {
        for (const state of [true, false]) {
          const r = both(f, mode, state);
          expect(r.now, `${name} (${mode}, ${state ? 'get' : 'get-config'})`).to.equal(r.old);
          if (r.old) answered++;
          if (state) expect(r.pruned, `${name}: ${r.pruned} of ${r.whole} data nodes built`).to.be.below(r.whole / 4);
        }
      }
    }
    // most of them answer something: the comparison is not of empty replies
    expect(answered).to.be.greaterThan(SELECTIVE.length * 3);
  });

  it('broad filters (descendants, positions, reads outside the entry): the same answer', () => {
    for (const [name, f] of BROAD) {
      for (const mode of MODES) {
        for (const state of [true, false]) {
          const r = both(f, mode, state);
          expect(r.now, `${name} (${mode}, ${state ? 'get' : 'get-config'})`).to.equal(r.old);
        }
      }
    }
    const r = both(BROAD[0][1], 'explicit', true);
    expect(r.pruned).to.equal(r.whole);
    expect(r.old).to.include('<network><name>dev</name>');
  });

  it('projectNodes on a built tree selects what the renderer builds and the filter keeps (the oracle of RESTCONF fields)', () => {
    const root = nb.bridge.tree.root;
    const doc = nb.bridge.datastore.get('running');
    const whole = managedSystemNode(root, doc, { state: true });
    const f = SELECTIVE[0][1];
    const p = topProjection(filterProjection(f), 'managed-system');
    expect(p).not.to.equal(ALL);
    const fromBuilt = nodesToXml(applyFilter([{ ...whole, children: projectNodes(whole.children ?? [], p) }], f));
    expect(fromBuilt).to.equal(nodesToXml(applyFilter([whole], f)));
  });

  it('the reply of a filtered <get> over HTTP equals the old answer (synthetic networks, which do not move)', async () => {
    for (const [name, f] of [...SELECTIVE, ...BROAD].filter(([n, x]) => !/real|dev|cfgonly|configuration|whole module|network name|not\(|absolute|positions|count|self|descendant|non-key leaf/.test(n) && x.kind && !/union|not a key/.test(n))) {
      const op = f.kind === 'subtree' ? `<filter type="subtree">${f.el.children.map((c) => xmlOf(c)).join('')}</filter>` : `<filter type="xpath" xmlns:bcm="${BCM}" select="${f.select!.replace(/"/g, '&quot;').replace(/</g, '&lt;')}"/>`;
      const r = await httpRequest(nb.httpPort, { user: READER, body: rpc(1, `<get>${op}</get>`) });
      const expected = both(f, 'explicit', true).old;
      const data = /<data>([^]*)<\/data>|<data\/>/.exec(r.body);
      expect(data, `${name}: ${r.body.slice(0, 300)}`).not.to.equal(null);
      expect(data![1] ?? '', name).to.equal(expected);
    }
  });
});

/** An element of a parsed filter written back as XML (names, namespaces, text). */
function xmlOf(e: ReturnType<typeof parseXml>): string {
  const ns = e.ns ? ` xmlns="${e.ns}"` : ' xmlns=""';
  if (!e.children.length) return `<${e.name}${ns}>${e.text.trim()}</${e.name}>`;
  return `<${e.name}${ns}>${e.children.map(xmlOf).join('')}</${e.name}>`;
}
