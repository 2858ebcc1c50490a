#!/usr/bin/env node
/**
 * The demonstration contracts for a channel of your own:
 *   node dist/tools/contracts-kit.js --out DIR [--deploy-sender URL] [--deploy-receiver URL] [--account ADDR]
 * writes DIR/sender.abi.json, receiver.abi.json, workload.abi.json (the `abi` files of the configuration)
 * and DIR/sender.bin, receiver.bin, workload.bin (creation bytecode), and with --deploy-* deploys Sender
 * / Receiver on the node at URL (eth_sendTransaction from --account or the node's first account: a dev
 * chain such as anvil or Hardhat, or a node with an unlocked account), printing their addresses and the
 * configuration lines to use.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RpcHttpClient } from '../src/chains/rpc-http';
import { RECEIVED_EVENT, RECEIVER_ABI, RECEIVER_BYTECODE, SENDER_ABI, SENDER_BYTECODE, SENT_EVENT } from '../src/crosschain';
import { WORKLOAD_ABI } from '../src/devchain';
import { WORKLOAD_BYTECODE } from '../src/devchain/workload-contract';

const USAGE = 'usage: contracts-kit --out DIR [--deploy-sender URL] [--deploy-receiver URL] [--account ADDR]';

const KIT: readonly { name: string; abi: string; bin: string }[] = [
  { name: 'sender', abi: SENDER_ABI, bin: SENDER_BYTECODE },
  { name: 'receiver', abi: RECEIVER_ABI, bin: RECEIVER_BYTECODE },
  { name: 'workload', abi: WORKLOAD_ABI, bin: WORKLOAD_BYTECODE },
];

function parse(argv: readonly string[]): Record<string, string> {
  const v: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (!['--out', '--deploy-sender', '--deploy-receiver', '--account'].includes(k) || i + 1 >= argv.length) throw new Error(`bad argument ${k}\n${USAGE}`);
    v[k.slice(2)] = argv[++i];
  }
  if (!v.out) throw new Error(`--out is required\n${USAGE}`);
  return v;
}

/** Deploys creation code on the node at url; resolves with the contract's address once mined. */
async function deployOn(url: string, bytecode: string, account: string | undefined): Promise<string> {
  const c = new RpcHttpClient({ url, timeoutMs: 10_000, jsonrpc: '2.0' });
  try {
    let from = account;
    if (from === undefined) {
      const accounts = await c.call<unknown>('eth_accounts');
      if (!Array.isArray(accounts) || typeof accounts[0] !== 'string') throw new Error(`${url} signs for no account: give --account`);
      from = accounts[0];
    }
    const hash = await c.call<string>('eth_sendTransaction', [{ from, data: bytecode, gas: '0x' + (2_000_000).toString(16) }]);
    for (let i = 0; i < 600; i++) {
      const r = await c.call<{ contractAddress?: unknown; status?: unknown } | null>('eth_getTransactionReceipt', [hash]);
      if (r) {
        if (r.status !== '0x1' || typeof r.contractAddress !== 'string') throw new Error(`deployment ${hash} on ${url} failed`);
        return r.contractAddress.toLowerCase();
      }
      await new Promise((res) => setTimeout(res, 200));
    }
    throw new Error(`deployment ${hash} on ${url} not mined within 2 minutes`);
  } finally {
    c.close();
  }
}

async function main(): Promise<void> {
  const v = parse(process.argv.slice(2));
  fs.mkdirSync(v.out, { recursive: true });
  for (const k of KIT) {
    fs.writeFileSync(path.join(v.out, `${k.name}.abi.json`), JSON.stringify(JSON.parse(k.abi), null, 2) + '\n');
    fs.writeFileSync(path.join(v.out, `${k.name}.bin`), k.bin + '\n');
  }
  console.log(`contracts-kit: wrote ${KIT.map((k) => `${k.name}.abi.json ${k.name}.bin`).join(' ')} in ${path.resolve(v.out)}`);
  const sender = v['deploy-sender'] ? await deployOn(v['deploy-sender'], SENDER_BYTECODE, v.account) : undefined;
  const receiver = v['deploy-receiver'] ? await deployOn(v['deploy-receiver'], RECEIVER_BYTECODE, v.account) : undefined;
  if (sender) console.log(`contracts-kit: Sender deployed at ${sender} on ${v['deploy-sender']}`);
  if (receiver) console.log(`contracts-kit: Receiver deployed at ${receiver} on ${v['deploy-receiver']}`);
  if (sender || receiver) {
    console.log(`contracts-kit: channel configuration: { name: ab, counterparty: <destination network>, sourceContract: "${sender ?? '<Sender>'}", ` +
      `destContract: "${receiver ?? '<Receiver>'}", sentEvent: "${SENT_EVENT}", receivedEvent: "${RECEIVED_EVENT}" }`);
  }
}

main().catch((e: unknown) => {
  console.error(`contracts-kit: ${(e as Error).message}`);
  process.exit(2);
});
