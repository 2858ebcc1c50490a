/** The demonstration relayer: in process (pause / resume / restart without double delivery) and as the tools/relayer command. */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RECEIVER_BYTECODE, Relayer, SENDER_BYTECODE, encodeDelivered, encodeSend, utf8Hex } from '../../src/crosschain';
import { startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import { deploy } from '../../src/devchain/demo';
import { projectRoot } from '../support/tools';
import { sleep, until } from '../support/wait';

describe('cross-chain relayer', function () {
  this.timeout(60_000);
  let a: DevChain;
  let b: DevChain;
  let sender: string;
  let receiver: string;
  /** Working directory of the relayer command (its default state file lands there). */
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-relayer-'));

  const count = async (): Promise<number> => Number(BigInt(await b.request('eth_call', [{ to: receiver, data: '0x06661abd' }, 'latest']) as string));
  const send = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      await a.request('eth_sendTransaction', [{ from: a.accounts[1].address, to: sender, gas: '0x30d40', data: encodeSend(a.accounts[2].address, utf8Hex(`m${i}`)) }]);
    }
  };

  before(async () => {
    a = await startDevChain({ chainId: 1337, blockIntervalMs: 200, workload: false });
    b = await startDevChain({ chainId: 1338, blockIntervalMs: 200, workload: false });
    sender = await deploy(a, SENDER_BYTECODE);
    receiver = await deploy(b, RECEIVER_BYTECODE);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('delivers each message once; pauses, resumes; a second relayer from an earlier block delivers nothing twice', async () => {
    const from = Number(BigInt(await a.request('eth_blockNumber') as string)) + 1;
    const r = await Relayer.start({ from: a.url, to: b.url, sender, receiver, pollMs: 100 });
    try {
      await send(4);
      await until('4 delivered', async () => (await count()) === 4);
      r.pause();
      expect(r.state).to.equal('paused');
      await send(2);
      await sleep(800);
      expect(await count()).to.equal(4);
      r.resume();
      await until('6 delivered', async () => (await count()) === 6);
      expect(r.stats()).to.include({ delivered: 6, skipped: 0, errors: 0 });
    } finally {
      await r.stop();
    }
    expect(r.state).to.equal('stopped');
    const again = await Relayer.start({ from: a.url, to: b.url, sender, receiver, pollMs: 100, fromBlock: from });
    try {
      await until('the second relayer caught up', () => again.stats().skipped === 6);
      expect(again.stats().delivered).to.equal(0);
      const delivered = await b.request('eth_call', [{ to: receiver, data: encodeDelivered('0x' + '0'.repeat(64)) }, 'latest']);
      expect(BigInt(delivered as string)).to.equal(0n);
    } finally {
      await again.stop();
    }
    await sleep(500);
    expect(await count()).to.equal(6);
  });

  it('runs as a command: node dist/tools/relayer.js --from --to --sender --receiver', async () => {
    const before = await count();
    const p = spawn(process.execPath, [path.join(projectRoot, 'dist', 'tools', 'relayer.js'),
      '--from', a.url, '--to', b.url, '--sender', sender, '--receiver', receiver, '--poll-ms', '100'], { stdio: ['ignore', 'pipe', 'pipe'], cwd: workDir });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<number | null>((resolve) => p.on('exit', (code) => resolve(code)));
    try {
      await until('the relayer started', () => /from block \d+/.test(out));
      await send(3);
      await until('3 more delivered', async () => (await count()) === before + 3);
    } finally {
      p.kill('SIGTERM');
    }
    expect(await exited).to.equal(0);
    expect(out).to.match(/stopped: 3 delivered/);
  });

  it('keeps its cursor in the state file, and refuses a state file of another channel', async () => {
    const file = path.join(workDir, 'state.json');
    const r = await Relayer.start({ from: a.url, to: b.url, sender, receiver, pollMs: 100, stateFile: file });
    const next = r.stats().nextBlock;
    await until('the cursor moved', () => r.stats().nextBlock > next + 2);
    await r.stop();
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { nextBlock: number; sender: string; receiver: string };
    expect(saved).to.include({ nextBlock: r.stats().nextBlock, sender, receiver });
    const lines: string[] = [];
    const again = await Relayer.start({ from: a.url, to: b.url, sender, receiver, pollMs: 100, stateFile: file, log: (l) => lines.push(l) });
    expect(again.stats().nextBlock).to.equal(saved.nextBlock);
    await again.stop();
    expect(lines[0]).to.match(new RegExp(`resuming at block ${saved.nextBlock}, where it stopped`));
    const other = '0x' + '11'.repeat(20);
    let err: Error | undefined;
    await Relayer.start({ from: a.url, to: b.url, sender: other, receiver, stateFile: file }).catch((e: Error) => { err = e; });
    expect(err?.message).to.match(/belongs to another channel/);
  });

  it('refuses bad arguments', async () => {
    const p = spawn(process.execPath, [path.join(projectRoot, 'dist', 'tools', 'relayer.js'), '--from', a.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const code = await new Promise<number | null>((resolve) => p.on('exit', (c) => resolve(c)));
    expect(code).to.equal(2);
    expect(err).to.match(/--to is required/);
  });
});
