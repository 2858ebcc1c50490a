/**
 * A node that reports a block time no Date can hold (beyond the year 275760: Ethereum's timestamp is any quantity)
 * is a malformed answer: its poll fails with a clear error, and no such time reaches the tree. Before, the time went
 * into the tree and every NETCONF and RESTCONF read of it failed (Date.toISOString threw midway through the reply).
 * Driven end to end: a scripted JSON-RPC node, the bridge's collector, NETCONF over SSH (chunked framing) and HTTP.
 */
import { expect } from 'chai';
import { fakeNode } from '../support/devchain';
import type { FakeAnswer, FakeNode } from '../support/devchain';
import { ADMIN, RawNetconf, chunk, httpRequest, rpc, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';
import type { PollResult } from '../../src/collector/node-poller';

const HASH = (n: number): string => '0x' + n.toString(16).padStart(64, '0');
const ok = (result: unknown) => (): FakeAnswer => ({ result });

describe('a node reporting a block time no Date can hold', function () {
  this.timeout(60_000);
  let node: FakeNode | undefined;
  let nb: NetconfBridge | undefined;
  after(async () => { await nb?.cleanup(); await node?.close(); });

  it('its poll fails as a malformed answer, and NETCONF <get> over SSH and HTTP still answer whole, without the time', async () => {
    node = await fakeNode({
      web3_clientVersion: ok('Geth/v1.14.0-stable/linux-amd64/go1.22'),
      eth_chainId: ok('0x539'),
      net_version: ok('1337'),
      eth_blockNumber: ok('0x10'),
      // 2^53 - 1 seconds: a safe integer, about 285 million years past anything Date holds
      eth_getBlockByNumber: ok({ number: '0x10', hash: HASH(16), parentHash: HASH(15), timestamp: '0x1fffffffffffff', miner: `0x${'11'.repeat(20)}`,
        difficulty: '0x2', transactions: [] }),
    });
    nb = await startNetconfBridge({ networks: [{ name: 'far', platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: node.url }] }] });
    const result = await new Promise<PollResult>((resolve) => {
      nb!.bridge.collector.on('polled', (e: { node: string; result: PollResult }) => { if (e.node === 'n1') resolve(e.result); });
    });
    expect(result.ok, 'the poll').to.equal(false);
    expect(result.error).to.match(/block time 9007199254740991 is beyond the year 275760/);
    expect(node.count('eth_getBlockByNumber'), 'the node was asked for its block').to.be.greaterThan(0);

    const viaHttp = await httpRequest(nb.httpPort, { user: ADMIN, body: rpc('h', '<get/>') });
    expect(viaHttp.status).to.equal(200);
    expect(viaHttp.body.endsWith('</data></rpc-reply>'), viaHttp.body.slice(-200)).to.equal(true);
    expect(viaHttp.body).to.include('<name>far</name>').and.include('<name>n1</name>');
    // the node's last error says why; no time or height of that block reached the tree
    expect(viaHttp.body).to.match(/<last-error>[^<]*block time 9007199254740991 is beyond the year 275760<\/last-error>/);
    expect(viaHttp.body).not.to.match(/<head-time>|<last-block-time>|<height>16</);

    const c = await RawNetconf.connect(nb.sshPort, ADMIN);
    try {
      await c.waitFor(/<\/hello>\]\]>\]\]>/);
      c.hello(true);
      c.write(chunk(rpc('s', '<get/>')));
      await c.waitFor(/<\/rpc-reply>\n##\n$/, 30_000);
      expect(c.received).to.include('<name>n1</name>');
    } finally {
      c.close();
    }
  });
});
