import { expect } from 'chai';
import { spawnSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDevChain } from '../src/devchain';
import type { DevChain } from '../src/devchain';
import { projectRoot } from './support/tools';

const CLI = path.join(projectRoot, 'dist', 'src', 'cli.js');

describe('bcmgmt command line', function () {
  this.timeout(60000);
  let chain: DevChain;
  let dir: string;
  before(async () => {
    chain = await startDevChain({ blockIntervalMs: 500, workload: false });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-cli-'));
  });
  after(async () => { await chain?.stop(); fs.rmSync(dir, { recursive: true, force: true }); });

  function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((resolve) => {
      const p = spawn(process.execPath, [CLI, ...args], { cwd: dir });
      let out = '';
      let err = '';
      p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      p.on('close', (code) => resolve({ code, out, err }));
    });
  }

  it('snapshot polls every node once and prints the instance tree as JSON', async () => {
    const cfg = path.join(dir, 'dev.yaml');
    fs.writeFileSync(cfg, `networks:\n  - name: dev\n    platform: ethereum\n    nodes:\n      - name: n1\n        endpoint: ${chain.url}\n`);
    const r = await run(['snapshot', '--config', cfg]);
    expect(r.code, r.err).to.equal(0);
    const tree = JSON.parse(r.out) as { networks: { name: string; chainId: string; nodes: { name: string; reachability: string; height: number }[]; ledgers: { height: number }[] }[] };
    const net = tree.networks[0];
    expect(net).to.include({ name: 'dev', chainId: String(chain.chainId) });
    expect(net.nodes[0]).to.include({ name: 'n1', reachability: 'reachable' });
    const h = Number(BigInt(await chain.request('eth_blockNumber') as string));
    expect(Math.abs(net.nodes[0].height - h)).to.be.at.most(1);
    expect(net.ledgers[0].height).to.be.a('number');
  });

  it('refuses a bad configuration with a message naming the field, exit code 2', async () => {
    const cfg = path.join(dir, 'bad.json');
    fs.writeFileSync(cfg, JSON.stringify({ networks: [{ name: 'dev', platform: 'ethereum', pollInterval: 'often' }] }));
    const r = await run(['snapshot', '--config', cfg]);
    expect(r.code).to.equal(2);
    expect(r.err).to.contain('networks[0].pollInterval: "often" is not an integer');
  });

  it('prints its usage for an unknown command', () => {
    const r = spawnSync(process.execPath, [CLI, 'frobnicate'], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('usage:');
  });
});
