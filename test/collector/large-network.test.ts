/**
 * A network of more than DERIVE_EACH_POLL_MAX nodes (its network-level values derived every DERIVE_EVERY_MS, and
 * every node's ledger state rewritten over turns of the event loop when the best height moves), in front of the
 * real Hardhat dev chain: after new blocks, every node's row shows the new height, no lag and 'synced'; the ledger
 * tracker and each node's own tracker agree on the head hash.
 */
import { expect } from 'chai';
import { Collector } from '../../src/collector/collector';
import { DERIVE_EACH_POLL_MAX } from '../../src/collector/network-collector';
import { networkSettings } from '../../src/config/settings';
import { startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import { InstanceTree } from '../../src/state/tree';
import { until } from '../support/wait';

const NODES = DERIVE_EACH_POLL_MAX + 16;

describe(`a network of ${NODES} nodes (more than DERIVE_EACH_POLL_MAX)`, function () {
  this.timeout(60000);
  let chain: DevChain | undefined;
  let other: DevChain | undefined;
  let collector: Collector | undefined;

  after(async () => {
    await collector?.stop();
    await chain?.stop();
    await other?.stop();
  });

  it('writes every node ledger state at the new best height after blocks are mined', async () => {
    chain = await startDevChain({ blockIntervalMs: 0, workload: false });
    const tree = new InstanceTree();
    collector = new Collector(tree, { rpcTimeoutMs: 4000 });
    collector.apply(networkSettings({ networks: [{ name: 'big', platform: 'ethereum', pollInterval: 1,
      nodes: Array.from({ length: NODES }, (_, i) => ({ name: `n${String(i).padStart(3, '0')}`, endpoint: chain!.url })) }] }));
    collector.start();
    const ledgerPath = [{ cls: 'network', keys: ['big'] }, { cls: 'ledger', keys: ['main'] }];
    const ledger = (): ReturnType<InstanceTree['find']> => tree.find(ledgerPath);
    await until('the ledger followed', () => ledger()?.get('height') !== undefined, 20000);
    for (let i = 0; i < 3; i++) await chain.request('evm_mine');
    const head = (await chain.request('eth_blockNumber')) as string;
    const height = Number(head);
    const rows = (): ReturnType<InstanceTree['find']>[] => Array.from({ length: NODES },
      (_, i) => tree.find([...ledgerPath, { cls: 'nodeLedgerState', keys: [`n${String(i).padStart(3, '0')}`] }]));
    await until('every node at the new height, synced', () => rows().every((r) => Number(r?.get('height')) === height && r?.get('syncState') === 'synced'), 20000);
    expect(Number(ledger()!.get('height'))).to.equal(height);
    const hash = ledger()!.get('headHash');
    for (const r of rows()) {
      expect(r!.get('lag')).to.equal(0n);
      expect(r!.get('headHash')).to.equal(hash);
    }
    expect(tree.find([{ cls: 'network', keys: ['big'] }])!.get('reachableNodeCount')).to.equal(NODES);
  });

  it('shows a node off the best chain as a chain tip, following its head, and none of the nodes on it', async () => {
    await collector?.stop();
    chain ??= await startDevChain({ blockIntervalMs: 0, workload: false });
    // another chain: the node pointed at it has a head the network's best chain does not hold
    other = await startDevChain({ blockIntervalMs: 0, workload: false });
    await other.request('evm_mine');
    const tree = new InstanceTree();
    collector = new Collector(tree, { rpcTimeoutMs: 4000 });
    collector.apply(networkSettings({ networks: [{ name: 'big', platform: 'ethereum', pollInterval: 1,
      nodes: [...Array.from({ length: NODES - 1 }, (_, i) => ({ name: `n${String(i).padStart(3, '0')}`, endpoint: chain!.url })),
        { name: 'zfork', endpoint: other.url }] }] }));
    collector.start();
    const ledgerPath = [{ cls: 'network', keys: ['big'] }, { cls: 'ledger', keys: ['main'] }];
    const tips = (): { status: unknown; hash: unknown; by: unknown }[] =>
      (tree.find(ledgerPath)?.list('chainTip') ?? []).map((t) => ({ status: t.get('status'), hash: t.get('hash'), by: t.get('reportedBy') }));
    const headOf = async (c: DevChain): Promise<string> => ((await c.request('eth_getBlockByNumber', ['latest', false])) as { hash: string }).hash;
    for (let i = 0; i < 3; i++) await chain.request('evm_mine');
    let best = await headOf(chain);
    let fork = await headOf(other);
    const shown = (): boolean => {
      const t = tips();
      return t.length === 2 && t[0].status === 'active' && t[0].hash === best && t[1].status === 'unknown' && t[1].hash === fork && t[1].by === 'zfork';
    };
    await until('the best head and the fork node\'s head as the two chain tips', shown, 20000);
    // the fork node's head moves: its tip follows; the best chain's: the active tip follows, still two tips
    await other.request('evm_mine');
    fork = await headOf(other);
    await until('the fork tip at the fork node\'s new head', shown, 20000);
    await chain.request('evm_mine');
    best = await headOf(chain);
    await until('the active tip at the new best head', shown, 20000);
  });
});
