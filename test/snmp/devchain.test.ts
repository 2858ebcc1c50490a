/**
 * The agent over a real chain: the embedded Ethereum dev chain, polled by the collector. What snmpget
 * says of a node is what the chain says of itself.
 */
import { expect } from 'chai';
import { startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import { requireTool } from '../support/tools';
import { MIB, snmp, startAgent } from '../support/snmp';
import type { TestAgent } from '../support/snmp';

describe('snmp agent on the embedded dev chain', function () {
  this.timeout(120000);
  let chain: DevChain;
  let a: TestAgent;

  before(async function () {
    requireTool(this, 'snmpget', 'snmp');
    chain = await startDevChain({ blockIntervalMs: 1000, workload: true });
    a = await startAgent({
      networks: [{ name: 'dev', platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: chain.url }] }],
    });
    const node = [{ cls: 'network', keys: ['dev'] }, { cls: 'node', keys: ['n1'] }];
    for (let i = 0; i < 200 && a.bridge.tree.find(node)?.get('height') === undefined; i++) await new Promise((r) => setTimeout(r, 100));
  });
  after(async () => { await a?.stop(); await chain?.stop(); });

  it('gives a node\'s height equal to the chain\'s own eth_blockNumber (within one block)', async () => {
    // wait for a few blocks, so that the height is not trivially 0
    for (let i = 0; i < 100 && Number(BigInt(await chain.request('eth_blockNumber') as string)) < 3; i++) await new Promise((r) => setTimeout(r, 100));
    for (let attempt = 0; ; attempt++) {
      const before = Number(BigInt(await chain.request('eth_blockNumber') as string));
      const g = await snmp('snmpget', a.target, ['-v2c', '-c', 'public', '-Oqv', '--', `${MIB}::bcmNodeHeight."dev"."n1"`, `${MIB}::bcmNodeReachability."dev"."n1"`]);
      const after = Number(BigInt(await chain.request('eth_blockNumber') as string));
      expect(g.code, g.stderr).to.equal(0);
      const [height, reach] = g.stdout.trim().split('\n');
      expect(reach).to.equal('reachable');
      const h = Number(height.replace(/ blocks$/, ''));
      // the node is polled every second; a block arrives every second: one block behind at most
      if (h >= before - 1 && h <= after) { expect(h).to.be.at.least(2); return; }
      if (attempt >= 5) expect.fail(`height ${h} outside [${before - 1}, ${after}]`);
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  it('walks the node and network rows the collector fills', async () => {
    const w = await snmp('snmpwalk', a.target, ['-v2c', '-c', 'public', '--', `${MIB}::bcmNodeTable`]);
    expect(w.code, w.stderr).to.equal(0);
    expect(w.stdout).to.match(/bcmNodeClientVersion\."dev"\."n1" = STRING: \S+/);
    expect(w.stdout).to.match(/bcmNodeEndpoint\."dev"\."n1" = STRING: http:\/\/127\.0\.0\.1:\d+/);
    const n = await snmp('snmpget', a.target, ['-v2c', '-c', 'public', '-Oqv', '--', `${MIB}::bcmNetChainId."dev"`]);
    expect(n.stdout.trim()).to.equal(String(chain.chainId));
  });
});
