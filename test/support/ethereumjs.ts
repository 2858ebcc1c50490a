/**
 * A real Clique (proof-of-authority) chain: @ethereumjs/client 0.10.5 --dev=poa, a test fixture installed with
 * `npm ci --prefix test/fixtures/ethereumjs` (never a product dependency). It seals with one signer, the dev
 * account it prints at start, and serves JSON-RPC on a free loopback port; no discovery, a private data dir.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './litecoind';
import { fixtureProgram, requireFixture } from './tools';
import { until } from './wait';

export const ETHEREUMJS = fixtureProgram('ethereumjs');

/** Call in before(): skips (or fails under CI) when the ethereumjs fixture is not installed. */
export function requireEthereumjs(ctx: Mocha.Context): void { requireFixture(ctx, 'ethereumjs'); }

/** `ethereumjs --dev=poa` running in a temporary data dir, started once it has printed its dev account. */
export class CliqueDevChain {
  private constructor(
    private readonly proc: ChildProcess,
    private readonly exited: Promise<void>,
    private readonly dataDir: string,
    /** http://127.0.0.1:port of its JSON-RPC server. */
    readonly rpcUrl: string,
    /** The dev account it printed (lower case): the one signer of the chain. */
    readonly signer: string,
  ) {}

  /** Starts the chain and waits (up to 30 s) for its dev account; the JSON-RPC server may come up a little later. */
  static async start(): Promise<CliqueDevChain> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-clique-'));
    const [rpcPort, p2pPort] = [await freePort(), await freePort()];
    const proc = spawn(ETHEREUMJS, ['--dev=poa', '--dataDir', path.join(dataDir, 'chain'), '--rpc', '--rpcPort', String(rpcPort), '--rpcAddr', '127.0.0.1',
      '--port', String(p2pPort), '--discV4', 'false', '--discDns', 'false'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    let log = '';
    proc.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
    proc.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
    let signer: string;
    try {
      signer = await until('the dev account printed', () => /Address: (0x[0-9a-fA-F]{40})/.exec(log)?.[1].toLowerCase(), 30_000, 100);
    } catch (e) {
      await stopProcess(proc, exited);
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw e;
    }
    return new CliqueDevChain(proc, exited, dataDir, `http://127.0.0.1:${rpcPort}`, signer);
  }

  /** Ends the chain (SIGTERM, SIGKILL after 5 s) and removes its data dir. */
  async stop(): Promise<void> {
    await stopProcess(this.proc, this.exited);
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

async function stopProcess(proc: ChildProcess, exited: Promise<void>): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill('SIGTERM');
  const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}
