/**
 * Contracts and their counters across restarts of the bridge process (issue 12, items 27, 28 and 31): a
 * contract discovered from its deployment receipt stays known with its deployer, block and transaction
 * after kill -9 and after SIGTERM; calls and reverts made while the bridge was down are counted when it
 * starts again, so bcmCtrCalls, bcmCtrFailedCalls, bcmCtrEvents and bcmMethCalls / bcmMethFailures equal
 * the chain's receipts exactly, and the counter discontinuity time does not move. Read with Debian's
 * snmptable (every row shows its readable address) and a NETCONF <get> over HTTP.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WORKLOAD_SELECTORS, startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import { WORKLOAD_BYTECODE } from '../../src/devchain/workload-contract';
import { freePort } from '../support/litecoind';
import { ADMIN, BCM, httpRequest, rpc } from '../support/netconf';
import { MIB, freeUdpPort, snmp } from '../support/snmp';
import { projectRoot, requireTool } from '../support/tools';
import { until } from '../support/wait';

const CLI = path.join(projectRoot, 'dist', 'src', 'cli.js');
const REC = WORKLOAD_SELECTORS['record(uint256)'];
const FAIL = WORKLOAD_SELECTORS['fail()'];

interface Receipt { status: string; blockNumber: string; contractAddress: string | null; logs: { address: string }[] }
type Row = Record<string, string>;

function hex(n: number | bigint): string { return '0x' + n.toString(16); }
function word(n: number): string { return n.toString(16).padStart(64, '0'); }

/** snmptable -Cb -Cf '|' output: one record per row, by column heading. */
function parseTable(stdout: string): Row[] {
  const lines = stdout.split('\n').filter((l) => l.includes('|'));
  if (!lines.length) return [];
  const head = lines[0].split('|');
  return lines.slice(1).map((l) => Object.fromEntries(l.split('|').map((c, i) => [head[i], c])));
}

/** Counter64 / Gauge cells ("12", "3 blocks") as numbers in text. */
function num(v: string | undefined): string { return /^(\d+)/.exec(v ?? '')?.[1] ?? `not a number: ${v}`; }

describe('contracts across restarts of the bridge process (kill -9, SIGTERM)', function () {
  this.timeout(240_000);
  let chain: DevChain;
  let dir = '';
  let child: ChildProcess | undefined;
  let out = '';
  let snmpPort = 0;
  let httpPort = 0;
  let contract = '';
  let deploy: Receipt & { transactionHash: string; from: string };
  const sent: string[] = [];

  const serve = async (args: string[] = []): Promise<ChildProcess> => {
    out = '';
    const p = spawn(process.execPath, [CLI, 'serve', '--data-dir', path.join(dir, 'data'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    await until('the bridge listening', () => out.includes('NETCONF over SSH'), 60_000).catch((e: Error) => { throw new Error(`${e.message}; output: ${out}`); });
    return p;
  };
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    const p = child!;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    await exited;
    child = undefined;
  };
  const table = async (name: string): Promise<Row[]> => {
    const r = await snmp('snmptable', `127.0.0.1:${snmpPort}`, ['-v2c', '-c', 'public', '-t', '5', '-r', '1', '-Cb', '-Cf', '|', '--', `${MIB}::${name}`]);
    if (r.code !== 0 && !/has no entries/.test(r.stdout + r.stderr)) throw new Error(`snmptable ${name}: ${r.stderr}`);
    return parseTable(r.stdout);
  };
  const contractRow = async (): Promise<Row | undefined> => (await table('bcmCtrTable')).find((r) => r.AddressText === contract);
  const receipt = (h: string): Promise<Receipt & { transactionHash: string; from: string }> =>
    until(`receipt of ${h}`, async () => (await chain.request('eth_getTransactionReceipt', [h])) as (Receipt & { transactionHash: string; from: string }) | null ?? undefined, 20_000, 50);
  const call = async (selector: string, args: string, value = 0n): Promise<void> => {
    const from = chain.accounts[1].address;
    sent.push(await chain.request('eth_sendTransaction', [{ from, to: contract, data: selector + args, gas: hex(150_000), value: hex(value) }]) as string);
  };
  /** Calls, failures, events and per-method counts the receipts of the test's transactions imply. */
  const truth = async (): Promise<Row> => {
    const rs = await Promise.all(sent.map(receipt));
    const per = (sel: string, what: 'calls' | 'failures'): string => String(rs.filter((r, i) => callSel[i] === sel && (what === 'calls' || r.status === '0x0')).length);
    return {
      Calls: String(rs.length), FailedCalls: String(rs.filter((r) => r.status === '0x0').length),
      Events: String(rs.reduce((n, r) => n + r.logs.filter((l) => l.address.toLowerCase() === contract).length, 0)),
      RecCalls: per(REC, 'calls'), RecFailures: per(REC, 'failures'), FailCalls: per(FAIL, 'calls'), FailFailures: per(FAIL, 'failures'),
    };
  };
  const callSel: string[] = [];
  const traffic = async (good: number, bad: number, failCalls: number): Promise<void> => {
    for (let i = 1; i <= good; i++) { callSel.push(REC); await call(REC, word(i), BigInt(i)); }
    for (let i = 0; i < bad; i++) { callSel.push(REC); await call(REC, word(0)); } // record(0) reverts
    for (let i = 0; i < failCalls; i++) { callSel.push(FAIL); await call(FAIL, ''); }
    await Promise.all(sent.map(receipt));
  };
  /** What SNMP shows for the contract and its methods, in the shape of truth(). */
  const shown = async (): Promise<Row> => {
    const c = (await contractRow()) ?? {};
    const methods = (await table('bcmMethTable')).filter((r) => r.AddressText === contract);
    const m = (sel: string): Row => methods.find((r) => r.SelectorText === sel) ?? {};
    return {
      Calls: num(c.Calls), FailedCalls: num(c.FailedCalls), Events: num(c.Events),
      RecCalls: num(m(REC).Calls), RecFailures: num(m(REC).Failures), FailCalls: num(m(FAIL).Calls), FailFailures: num(m(FAIL).Failures),
    };
  };
  const agree = async (what: string): Promise<void> => {
    const want = await truth();
    let got: Row = {};
    await until(what, async () => { got = await shown(); return JSON.stringify(got) === JSON.stringify(want); }, 60_000, 500)
      .catch(() => { expect(got, what).to.deep.equal(want); });
  };
  const deploymentColumns = (r: Row | undefined): Row => ({ Source: r?.Source ?? '', Deployer: r?.Deployer ?? '', DeployBlock: r?.DeployBlock ?? '', DeployTx: r?.DeployTx ?? '', Disc: r?.CounterDiscontinuityTime ?? '' });

  before(async function () {
    requireTool(this, 'snmptable', 'snmp');
    chain = await startDevChain({ blockIntervalMs: 250, workload: false });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-ctr-restart-'));
    [snmpPort, httpPort] = [await freeUdpPort(), await freePort()];
    const sshPort = await freePort();
    const cfg = path.join(dir, 'bridge.yaml');
    fs.writeFileSync(cfg, [
      'configuration:', `  httpPort: ${httpPort}`, `  sshPort: ${sshPort}`, `  snmpPort: ${snmpPort}`,
      '  managementUsers:', `    - { name: ${ADMIN.name}, password: ${ADMIN.password}, role: admin }`,
      'networks:', `  - { name: dev, platform: ethereum, pollInterval: 1, nodes: [{ name: n1, endpoint: "${chain.url}" }] }`, '',
    ].join('\n'));
    child = await serve(['--config', cfg]);
  });
  after(async () => {
    child?.kill('SIGKILL');
    await chain?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('discovers a deployment and counts its calls (snmptable shows the address of every row)', async () => {
    // Deploy once the bridge follows the chain (discovery looks at new blocks).
    await until('the ledger tracked', async () => {
      const r = await httpRequest(httpPort, { body: rpc(1, `<get><filter type="subtree"><managed-system xmlns="${BCM}"><network><name>dev</name><ledger><observed-blocks/></ledger></network></managed-system></filter></get>`), user: ADMIN });
      return Number(/<observed-blocks>(\d+)</.exec(r.body)?.[1] ?? 0) > 0;
    }, 30_000, 250);
    const h = await chain.request('eth_sendTransaction', [{ from: chain.accounts[0].address, data: WORKLOAD_BYTECODE, gas: hex(1_000_000) }]) as string;
    deploy = await receipt(h);
    contract = deploy.contractAddress!.toLowerCase();
    await traffic(4, 1, 1);
    await agree('the calls counted');
    const rows = await table('bcmCtrTable');
    expect(rows.length).to.be.greaterThan(0);
    for (const r of rows) expect(r.AddressText, JSON.stringify(r)).to.match(/^0x[0-9a-f]{40}$/);
    const methods = await table('bcmMethTable');
    expect(methods.length).to.equal(2);
    for (const r of methods) {
      expect(r.AddressText).to.equal(contract);
      expect(r.SelectorText).to.be.oneOf([REC, FAIL]);
    }
    const c = await contractRow();
    expect(c?.Source).to.equal('discovered');
    expect(c?.DeployBlock).to.match(new RegExp(`^${Number(BigInt(deploy.blockNumber))}\\b`));
  });

  it('keeps it with its deployment columns after kill -9, and counts what was sent while it was down', async () => {
    const before = deploymentColumns(await contractRow());
    expect(before.Disc).to.not.equal('');
    await stop('SIGKILL');
    await traffic(3, 2, 1);
    child = await serve();
    expect(deploymentColumns(await until('the contract back', () => contractRow(), 30_000, 250))).to.deep.equal(before);
    await agree('the calls made while it was down counted');
    expect(deploymentColumns(await contractRow())).to.deep.equal(before);
  });

  it('the same after SIGTERM; NETCONF shows the deployment as the receipt says', async () => {
    const before = deploymentColumns(await contractRow());
    await stop('SIGTERM');
    await traffic(2, 1, 2);
    child = await serve();
    await agree('the calls made while it was down counted');
    expect(deploymentColumns(await contractRow())).to.deep.equal(before);
    const r = await httpRequest(httpPort, { body: rpc(2, `<get><filter type="subtree"><managed-system xmlns="${BCM}"><network><name>dev</name><contract><address>${contract}</address></contract></network></managed-system></filter></get>`), user: ADMIN });
    expect(/<deployer>([^<]*)</.exec(r.body)?.[1], r.body).to.equal(deploy.from.toLowerCase());
    expect(/<deploy-block>([^<]*)</.exec(r.body)?.[1]).to.equal(String(Number(BigInt(deploy.blockNumber))));
    expect(/<deploy-tx>([^<]*)</.exec(r.body)?.[1]).to.equal(deploy.transactionHash.toLowerCase());
    expect(/<calls>([^<]*)</.exec(r.body)?.[1]).to.equal(String(sent.length));
  });
});
