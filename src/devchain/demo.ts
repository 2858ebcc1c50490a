/**
 * The embedded demonstration (bcmgmt serve with no configuration): two in-process dev chains, devnet-a
 * (chain id 1337, the workload) and devnet-b (chain id 1338), the demonstration cross-chain channel
 * between them (Sender on A, Receiver on B, a message every few seconds, the relayer of src/crosschain
 * delivering them) and the configuration document that manages all of it: both networks, the workload,
 * Sender and Receiver as configured contracts (named, with ABI files so their methods are named too) and
 * the channel a-to-b under devnet-a. Nothing is downloaded; ABI files go to a temporary directory that
 * stop() removes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConfigObject } from '../config/document';
import { RECEIVED_EVENT, SENT_EVENT, encodeSend, utf8Hex } from '../crosschain/abi-words';
import { RECEIVER_ABI, RECEIVER_BYTECODE, SENDER_ABI, SENDER_BYTECODE } from '../crosschain/contracts';
import { Relayer } from '../crosschain/relayer';
import { startDevChain } from './index';
import type { DevChain } from './index';
import { WORKLOAD_ABI, WORKLOAD_BYTECODE } from './workload-contract';

export interface DemoOptions {
  /** Block intervals of devnet-a and devnet-b, ms (default 2000 and 2500). */
  readonly blockIntervalMs?: readonly [number, number];
  /** Time between two demonstration messages, ms (default 4000). */
  readonly messageIntervalMs?: number;
  /** Poll interval of both networks in the document, s (default 2). */
  readonly pollInterval?: number;
  /** Run the workload on devnet-a (default true). */
  readonly workload?: boolean;
}

export interface Demo {
  readonly doc: ConfigObject;
  readonly banner: string;
  readonly chains: { readonly a: DevChain; readonly b: DevChain };
  readonly contracts: { readonly workload: string; readonly sender: string; readonly receiver: string };
  readonly relayer: Relayer;
  /** Messages sent so far. */
  messagesSent(): number;
  stop(): Promise<void>;
}

const CHANNEL = 'a-to-b';

/** Deploys init code from the chain's first account, mined at once; resolves with the contract address. */
export async function deploy(chain: DevChain, bytecode: string, from = chain.accounts[0].address): Promise<string> {
  const hash = await chain.request('eth_sendTransaction', [{ from, data: bytecode, gas: '0x' + (2_000_000).toString(16) }]);
  await chain.request('evm_mine', []);
  const r = await chain.request('eth_getTransactionReceipt', [hash]) as { contractAddress?: unknown; status?: unknown } | null;
  if (!r || typeof r.contractAddress !== 'string' || r.status !== '0x1') throw new Error('contract deployment failed');
  return r.contractAddress.toLowerCase();
}

export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  const [ia, ib] = opts.blockIntervalMs ?? [2000, 2500];
  const messageMs = opts.messageIntervalMs ?? 4000;
  const started: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => { for (const f of started.splice(0).reverse()) await f().catch(() => undefined); };
  try {
    const a = await startDevChain({ chainId: 1337, blockIntervalMs: ia, workload: opts.workload ?? true });
    started.push(() => a.stop());
    const b = await startDevChain({ chainId: 1338, blockIntervalMs: ib, workload: false });
    started.push(() => b.stop());
    const workload = a.workload.contractAddress ?? await deploy(a, WORKLOAD_BYTECODE);
    const sender = await deploy(a, SENDER_BYTECODE, a.accounts[4].address);
    const receiver = await deploy(b, RECEIVER_BYTECODE);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcmgmt-demo-'));
    started.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const abi = (name: string, text: string): string => {
      const p = path.join(dir, `${name}.abi.json`);
      fs.writeFileSync(p, text);
      return p;
    };
    const relayer = await Relayer.start({ from: a.url, to: b.url, sender, receiver, pollMs: 1000 });
    started.push(() => relayer.stop());

    let sent = 0;
    let sending = false;
    const sendOne = (): void => {
      if (sending) return;
      sending = true;
      const n = sent + 1;
      a.request('eth_sendTransaction', [{
        from: a.accounts[4].address, to: sender, gas: '0x' + (200_000).toString(16),
        data: encodeSend(a.accounts[3].address, utf8Hex(`demo message ${n}`)),
      }]).then(() => { sent = n; }, () => undefined).finally(() => { sending = false; });
    };
    sendOne(); // the first message at once, so that the channel has traffic from the first blocks
    const timer = setInterval(sendOne, messageMs);
    timer.unref();
    started.push(async () => clearInterval(timer));

    const pollInterval = opts.pollInterval ?? 2;
    const node = (c: DevChain): ConfigObject => ({ name: 'node1', endpoint: c.url, wsEndpoint: c.wsUrl });
    const doc: ConfigObject = {
      networks: [
        {
          name: 'devnet-a', platform: 'ethereum', networkType: 'private', pollInterval,
          description: 'embedded development chain A (in-process, loopback only): workload and the Sender of channel a-to-b',
          nodes: [node(a)],
          contracts: [
            { address: workload, name: 'workload', abi: abi('workload', WORKLOAD_ABI) },
            { address: sender, name: 'sender', abi: abi('sender', SENDER_ABI) },
          ],
          crossChainChannels: [{
            name: CHANNEL, counterparty: 'devnet-b', protocol: 'relay', sourceContract: sender, destContract: receiver,
            sentEvent: SENT_EVENT, receivedEvent: RECEIVED_EVENT, stuckThreshold: 60,
          }],
        },
        {
          name: 'devnet-b', platform: 'ethereum', networkType: 'private', pollInterval,
          description: 'embedded development chain B (in-process, loopback only): the Receiver of channel a-to-b',
          nodes: [node(b)],
          contracts: [{ address: receiver, name: 'receiver', abi: abi('receiver', RECEIVER_ABI) }],
        },
      ],
      // One-minute intervals so a newcomer sees history build up; a threshold on the workload's revert count.
      performance: {
        measurementJobs: [{ name: 'demo', granularity: 60 }],
        thresholds: [{ name: 'reverts', job: 'demo', metric: 'contractFailures', resource: 'network/devnet-a/contract', direction: 'rising', raiseLevel: 50, clearLevel: 20 }],
      },
      // Dev chains have no peers: a peerCountLow alarm would only be noise here.
      fault: { alarmPolicies: [{ type: 'peerCountLow', enabled: false }] },
    };
    const secs = (ms: number): string => `${ms / 1000} s`;
    const banner = `embedded demo: Ethereum dev chains devnet-a at ${a.url} (chain id ${a.chainId}, a block every ${secs(ia)}${opts.workload ?? true ? ', workload' : ''}) `
      + `and devnet-b at ${b.url} (chain id ${b.chainId}, a block every ${secs(ib)}); cross-chain channel ${CHANNEL}: `
      + `Sender ${sender} → Receiver ${receiver}, a message every ${secs(messageMs)}, relayed in process`;
    let stopping: Promise<void> | undefined;
    return {
      doc, banner, chains: { a, b }, contracts: { workload, sender, receiver }, relayer,
      messagesSent: () => sent,
      stop: () => { stopping ??= cleanup(); return stopping; },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
