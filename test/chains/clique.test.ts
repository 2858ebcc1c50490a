/**
 * A real Clique (proof-of-authority) chain: @ethereumjs/client 0.10.5 --dev=poa, a test fixture installed
 * with `npm ci --prefix test/fixtures/ethereumjs` (never a product dependency). It seals a block every
 * ~10 s with one signer, the dev account it prints at start, and answers clique_getSigners with "Method
 * not found": the bridge finds the signer set in the genesis (checkpoint) extraData and each block's
 * signer from its seal. Checked through net-snmp's snmptable and snmpget against the chain's own answers
 * and the printed account. Skips outside CI when the fixture is not installed; fails under CI=true.
 */
import { expect } from 'chai';
import { cliqueSigner } from '../../src/chains/ethereum/clique-seal';
import { RpcHttpClient } from '../../src/chains/rpc-http';
import type { Composed } from '../../src/compose';
import { startViewsBridge } from '../support/bridge';
import type { ViewsBridge } from '../support/bridge';
import { CliqueDevChain, requireEthereumjs } from '../support/ethereumjs';
import { MIB, parseSnmpTable, snmp } from '../support/snmp';
import { requireTool } from '../support/tools';
import { until } from '../support/wait';

const NET = 'poa';

/** A number as snmptable prints it with the MIB's UNITS ("12 blocks"). */
const count = (s: string | undefined): number => (s !== undefined && /^\d+( |$)/.test(s) ? parseInt(s, 10) : NaN);

describe('clique: a real ethereumjs proof-of-authority chain through snmptable', function () {
  this.timeout(150_000);
  let chain: CliqueDevChain | undefined;
  let rpc: RpcHttpClient | undefined;
  let tb: ViewsBridge | undefined;
  let views: Composed | undefined;
  let printed = '';

  before(async function () {
    requireTool(this, 'snmptable', 'snmp');
    requireEthereumjs(this);
    chain = await CliqueDevChain.start();
    printed = chain.signer;
    rpc = new RpcHttpClient({ url: chain.rpcUrl, timeoutMs: 5000, jsonrpc: '2.0' });
    await until('the RPC server', () => rpc!.call('eth_blockNumber').then(() => true), 30_000, 200);
    // Started before the first sealed block (10 s after start), so every sealed block is in the window.
    tb = await startViewsBridge({ networks: [{ name: NET, platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: chain.rpcUrl }] }] });
    views = tb.views;
  });

  after(async function () {
    this.timeout(20_000);
    await tb?.cleanup();
    rpc?.close();
    await chain?.stop();
  });

  const height = async (): Promise<number> => Number(BigInt(await rpc!.call<string>('eth_blockNumber')));

  it('lists the one signer with the blocks it sealed, and the consensus row counts one validator', async () => {
    const target = `127.0.0.1:${views!.snmp.port}`;
    let h = 0;
    let rows = new Map<string, Record<string, string>>();
    let cons = new Map<string, Record<string, string>>();
    // Three sealed blocks, read while no new one arrives (the chain height is the same before and after).
    let seen = '';
    await until('3 sealed blocks seen by the bridge and read through SNMP with the chain still', async () => {
      h = await height();
      if (h < 3) return false;
      const val = await snmp('snmptable', target, ['-v2c', '-c', 'public', '-t', '5', '-r', '1', '-Cb', '-Ci', '-Cf', '|', '--', `${MIB}::bcmValTable`]);
      const con = await snmp('snmptable', target, ['-v2c', '-c', 'public', '-t', '5', '-r', '1', '-Cb', '-Ci', '-Cf', '|', '--', `${MIB}::bcmConsTable`]);
      expect(val.code, val.stderr).to.equal(0);
      expect(con.code, con.stderr).to.equal(0);
      seen = `chain height ${h}\n${val.stdout}\n${con.stdout}`;
      rows = parseSnmpTable(val.stdout, 'bcmValTable').rows;
      cons = parseSnmpTable(con.stdout, 'bcmConsTable').rows;
      // The bridge has followed the chain up to h (its signer's last block), and no block came meanwhile.
      const last = [...rows.values()][0]?.LastProposedHeight;
      return count(last) === h && (await height()) === h;
    }, 120_000, 500).catch((e: Error) => { throw new Error(`${e.message}; last seen: ${seen}`); });

    const raw = await rpc!.call<Record<string, string>>('eth_getBlockByNumber', ['0x' + h.toString(16), false]);
    const recovered = cliqueSigner(raw);
    expect(recovered).to.equal(printed);
    expect([...rows.keys()]).to.have.length(1);
    const [index, row] = [...rows.entries()][0];
    expect(index).to.equal(`"${NET}"."${printed}"`);
    expect(row.Type).to.equal('sealer');
    // Blocks 1..h, all sealed by the one signer, all in the window (100 blocks).
    expect(count(row.ProposedBlocks)).to.equal(h);
    expect(count(row.LastProposedHeight)).to.equal(h);
    expect(row.Active).to.equal('true');
    expect(count(row.MissedSlots)).to.equal(0);
    expect(Number(BigInt(raw.difficulty))).to.equal(2); // in turn

    const c = cons.get(`"${NET}"`)!;
    expect(c.Algorithm).to.equal('clique');
    expect(count(c.ValidatorCount)).to.equal(1);
    expect(count(c.ActiveValidators)).to.equal(1);
    expect(c.Leader).to.equal(printed);

    // snmpget of one cell by its index (bcmNetName, bcmValId) agrees.
    const got = await snmp('snmpget', target, ['-v2c', '-c', 'public', '-Oqv', '--', `${MIB}::bcmValProposedBlocks."${NET}"."${printed}"`]);
    expect(got.code, got.stderr).to.equal(0);
    expect(count(got.stdout.trim())).to.be.at.least(h);
  });
});
