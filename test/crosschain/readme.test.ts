/**
 * A new user sets up a channel from the README alone (issue 12, item 31): its contracts-kit command line
 * writes the ABI files and deploys Sender and Receiver on two chains, its `channel.yaml` (with the
 * addresses printed and the endpoints of the two chains put in) configures the bridge, its relayer command
 * line relays, and a message sent is counted sent and received with the methods named from the ABI files.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Bridge } from '../../src/bridge';
import { parseConfigText } from '../../src/config/load';
import { createContractManager } from '../../src/contract';
import { SENDER_SELECTORS, createCrossChainManager, encodeSend, utf8Hex } from '../../src/crosschain';
import { startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import type { Instance } from '../../src/state/tree';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { projectRoot } from '../support/tools';
import { until } from '../support/wait';

const README = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
const URL_A = 'http://127.0.0.1:8545';
const URL_B = 'http://127.0.0.1:8546';

/** The README's command line starting with `node dist/tools/<tool>.js`, as arguments. */
function commandLine(tool: string): string[] {
  const line = README.split('\n').find((l) => l.startsWith(`node dist/tools/${tool}.js `));
  if (!line) throw new Error(`README: no ${tool} command line`);
  return line.trim().split(/\s+/).slice(2);
}

function run(args: string[], cwd: string): { p: ChildProcess; out: () => string; exit: Promise<number | null> } {
  const p = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  p.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  return { p, out: () => out, exit: new Promise((r) => p.on('exit', r)) };
}

describe('a channel set up from the README', function () {
  this.timeout(120_000);
  let a: DevChain;
  let b: DevChain;
  let tb: TestBridge | undefined;
  let relayer: ChildProcess | undefined;
  let dir = '';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-readme-'));
    a = await startDevChain({ chainId: 31337, blockIntervalMs: 250, workload: false });
    b = await startDevChain({ chainId: 31338, blockIntervalMs: 250, workload: false });
  });
  after(async () => {
    relayer?.kill('SIGKILL');
    await tb?.cleanup();
    await a?.stop();
    await b?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('works as written: ABI files, deployment, configuration, relayer; the message counted', async () => {
    const local = (args: string[]): string[] => args.map((x) => (x === URL_A ? a.url : x === URL_B ? b.url : x));
    // contracts-kit, run in the user's directory.
    const kit = run(local([path.join(projectRoot, 'dist', 'tools', 'contracts-kit.js'), ...commandLine('contracts-kit')]), dir);
    expect(await kit.exit, kit.out()).to.equal(0);
    const sender = /Sender deployed at (0x[0-9a-f]{40})/.exec(kit.out())?.[1];
    const receiver = /Receiver deployed at (0x[0-9a-f]{40})/.exec(kit.out())?.[1];
    expect(sender, kit.out()).to.be.a('string');
    expect(receiver, kit.out()).to.be.a('string');
    for (const f of ['sender.abi.json', 'receiver.abi.json', 'workload.abi.json', 'sender.bin', 'receiver.bin']) expect(fs.existsSync(path.join(dir, 'kit', f)), f).to.equal(true);

    // channel.yaml as the README gives it, with the printed addresses and the chains' endpoints.
    const yaml = /```yaml\n(networks:\n(?:(?!```)[\s\S])*crossChainChannels:[\s\S]*?)```/.exec(README)?.[1];
    expect(yaml, 'README: the channel.yaml example').to.be.a('string');
    const text = yaml!
      .replace(/(name: sender,[^\n]*|sourceContract: )"0x[0-9a-f]{40}"/g, (_m, p: string) => `${p}"${sender}"`)
      .replace(/address: "0x[0-9a-f]{40}"(, name: sender)/, `address: "${sender}"$1`)
      .replace(/address: "0x[0-9a-f]{40}"(, name: receiver)/, `address: "${receiver}"$1`)
      .replace(/destContract: "0x[0-9a-f]{40}"/, `destContract: "${receiver}"`)
      .replace(URL_A, a.url).replace(URL_B, b.url)
      .replace(/\.\/kit\//g, path.join(dir, 'kit') + '/');
    const doc = parseConfigText(text, 'channel.yaml');
    tb = await startBridge(doc, { setup: (br: Bridge) => { br.addView(createContractManager(br)); br.addView(createCrossChainManager(br)); } });
    const ledger = (net: string): number => Number(tb!.bridge.tree.find([{ cls: 'network', keys: [net] }, { cls: 'ledger', keys: ['main'] }])?.get('observedBlocks') ?? 0);
    await until('both chains followed', () => ledger('chain-a') > 0 && ledger('chain-b') > 0, 30_000);

    // The relayer as the README starts it.
    const args = commandLine('relayer');
    const withAddresses = args.map((x, i) => (args[i - 1] === '--sender' ? sender! : args[i - 1] === '--receiver' ? receiver! : x));
    const rel = run(local([path.join(projectRoot, 'dist', 'tools', 'relayer.js'), ...withAddresses]), dir);
    relayer = rel.p;
    await until('the relayer started', () => /starting at block/.test(rel.out()), 30_000);
    await a.request('eth_sendTransaction', [{ from: a.accounts[0].address, to: sender, gas: '0x30d40', data: encodeSend(a.accounts[1].address, utf8Hex('hello')) }]);

    const channel = (): Instance | undefined => tb!.bridge.tree.find([{ cls: 'network', keys: ['chain-a'] }, { cls: 'crossChainChannel', keys: ['a-to-b'] }]);
    await until('the message relayed and counted', () => channel()?.get('received') === 1n && channel()?.get('pending') === 0n, 30_000);
    expect(channel()!.get('sent')).to.equal(1n);
    const send = tb.bridge.tree.find([{ cls: 'network', keys: ['chain-a'] }, { cls: 'contract', keys: [sender!] }, { cls: 'contractMethod', keys: [SENDER_SELECTORS['send(address,bytes)']] }]);
    expect(send?.get('name')).to.equal('send(address,bytes)');
  });
});
