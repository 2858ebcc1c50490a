/** Two in-process dev chains with the demonstration Sender (on A) and Receiver (on B), for the channel tests. */
import type { Bridge } from '../../src/bridge';
import type { ConfigObject } from '../../src/config/document';
import { RECEIVED_EVENT, RECEIVER_BYTECODE, SENDER_BYTECODE, SENT_EVENT, encodeSend, utf8Hex } from '../../src/crosschain';
import { startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import { deploy } from '../../src/devchain/demo';

export interface TwoChains {
  readonly a: DevChain;
  readonly b: DevChain;
  readonly sender: string;
  readonly receiver: string;
  stop(): Promise<void>;
}

export async function twoChains(blockIntervalMs = 250): Promise<TwoChains> {
  const a = await startDevChain({ chainId: 1337, blockIntervalMs, workload: false });
  const b = await startDevChain({ chainId: 1338, blockIntervalMs, workload: false });
  const sender = await deploy(a, SENDER_BYTECODE);
  const receiver = await deploy(b, RECEIVER_BYTECODE);
  return { a, b, sender, receiver, stop: async () => { await a.stop(); await b.stop(); } };
}

/** Networks dev-a (with channel ab to dev-b) and dev-b; B reached at bEndpoint (default: B itself). */
export function channelDoc(t: TwoChains, opts: { stuckThreshold?: number; bEndpoint?: string } = {}): ConfigObject {
  return {
    networks: [
      { name: 'dev-a', platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: t.a.url }],
        crossChainChannels: [{ name: 'ab', counterparty: 'dev-b', sourceContract: t.sender, destContract: t.receiver, sentEvent: SENT_EVENT, receivedEvent: RECEIVED_EVENT,
          ...(opts.stuckThreshold !== undefined ? { stuckThreshold: opts.stuckThreshold } : {}) }] },
      { name: 'dev-b', platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: opts.bEndpoint ?? t.b.url }] },
    ],
  };
}

/** Sends n messages through the Sender on A. */
export async function sendMessages(t: TwoChains, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await t.a.request('eth_sendTransaction', [{ from: t.a.accounts[1].address, to: t.sender, gas: '0x30d40', data: encodeSend(t.a.accounts[2].address, utf8Hex(`m${i}`)) }]);
  }
}

/** Whether the bridge follows a network's chain (its ledger has observed blocks). */
export function tracking(bridge: Bridge, net: string): boolean {
  return Number(bridge.tree.find([{ cls: 'network', keys: [net] }, { cls: 'ledger', keys: ['main'] }])?.get('observedBlocks') ?? 0) > 0;
}
