/**
 * The contract and channel tables seen three ways agree: snmptable of bcmCtrTable, bcmMethTable and
 * bcmXcTable (Debian's net-snmp, our MIB), a NETCONF <get> with a subtree filter for the contracts and
 * channels (HTTP with basic authentication, and ncclient over SSH), and the chains themselves (every block
 * and receipt read back, eth_getCode hashed, eth_getBalance).
 *
 * The scenario is exact and runs on two real in-process dev chains (no workload) with the whole product
 * composed on free ports: the Workload contract (discovered), Sender and Receiver (configured with ABI
 * files) deployed while the bridge watches; 12 workload transactions (6 paying record(n), 2 record(0) and
 * 2 fail() that revert, one without call data and one with an unknown selector, both reverting); 8
 * messages relayed, one Sender.send out of gas, one Sender.nonce() as a transaction, one delivery of a
 * message never sent plus its reverted repetition, then the relayer stopped and 3 more messages: sent 11,
 * received 8, pending 3. Activity stops, the bridge catches up, and the three views are compared after
 * normalising their renderings (hex OCTET STRINGs and 0x-text, Counter64 and decimal text, DateAndTime and
 * RFC 3339).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseStringPromise, processors } from 'xml2js';
import type { Composed } from '../../src/compose';
import type { ConfigObject } from '../../src/config/document';
import { activityFeed, keccakHex, keccakText } from '../../src/contract';
import {
  RECEIVED_EVENT, RECEIVER_ABI, RECEIVER_BYTECODE, RECEIVER_SELECTORS, Relayer, SENDER_ABI, SENDER_BYTECODE, SENDER_SELECTORS, SENT_EVENT,
  encodeDeliver, encodeSend, utf8Hex,
} from '../../src/crosschain';
import { WORKLOAD_SELECTORS, startDevChain } from '../../src/devchain';
import type { DevChain } from '../../src/devchain';
import { WORKLOAD_BYTECODE } from '../../src/devchain/workload-contract';
import { startViewsBridge } from '../support/bridge';
import type { ViewsBridge } from '../support/bridge';
import { ADMIN, BCM, httpRequest, login, ncclient, rpc, usersConfig } from '../support/netconf';
import { MIB, parseSnmpTable, snmp } from '../support/snmp';
import type { SnmpTable } from '../support/snmp';
import { requireNcclient, requireTool } from '../support/tools';
import { until } from '../support/wait';

const NET_A = 'dev-a';
const NET_B = 'dev-b';
const CHANNEL = 'ab';
const STUCK = 3600; // long enough that the relayer stays 'alive' with messages pending
const UNKNOWN_SELECTOR = '0xdeadbeef';

interface RawTx { hash: string; from: string; to: string | null; input: string }
interface RawReceipt { status: string; gasUsed: string; contractAddress: string | null; logs: { address: string; topics: string[] }[] }
interface ChainTx { block: number; time: number; tx: RawTx; receipt: RawReceipt }

/** One row of a table, every value as normalised text (absent: undefined). */
type Row = Record<string, string | undefined>;
/** A table: rows by key ("net/address", "net/address/selector", "net/channel"). */
type Table = Map<string, Row>;
interface Views { contracts: Table; methods: Table; channels: Table }

const CONTRACT_FIELDS = ['name', 'source', 'deployer', 'deployBlock', 'deployTx', 'codeHash', 'codeSize', 'lifecycleState', 'balance',
  'calls', 'failedCalls', 'events', 'lastActivityTime', 'lastActivityBlock'] as const;
const METHOD_FIELDS = ['name', 'calls', 'failures', 'meanGas'] as const;
/** Channel columns the chains determine; oldestPendingAge, meanRelayLatency and lastRelayed are the bridge's observation times. */
const CHANNEL_FIELDS = ['counterparty', 'protocol', 'sourceContract', 'destContract', 'stuckThreshold', 'state', 'sent', 'received', 'pending', 'relayerState'] as const;
const CHANNEL_TIMES = ['oldestPendingAge', 'meanRelayLatency', 'lastRelayed'] as const;

function hex(n: number | bigint): string { return '0x' + n.toString(16); }
function word(n: number): string { return n.toString(16).padStart(64, '0'); }
function lc(s: string): string { return s.toLowerCase(); }

/** Signatures by selector, from the solc-generated selector tables (not from the bridge's ABI reader). */
function bySelector(t: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(Object.entries(t).map(([sig, sel]) => [sel, sig]));
}

// ---- SNMP ------------------------------------------------------------------------------------------------

/** DateAndTime as snmptable prints it ("2026-11-25,10:3:4.5,+0:0") → ms since the epoch, UTC. */
function parseDateAndTimeText(s: string): number {
  const m = /^(\d+)-(\d+)-(\d+),(\d+):(\d+):(\d+)\.(\d)(?:,([+-])(\d+):(\d+))?$/.exec(s.trim());
  if (!m) throw new Error(`not a DateAndTime rendering: ${JSON.stringify(s)}`);
  let ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7] * 100);
  if (m[8]) ms += (m[8] === '+' ? -1 : 1) * (+m[9] * 60 + +m[10]) * 60_000;
  return ms;
}

/**
 * An OCTET STRING of binary octets as snmptable prints it: quoted hex octets, blank-separated with a wider
 * gap every 16 ('"F3 9F ... 66 "'), or the text itself when every octet happens to be printable → 0x-hex.
 */
function octetsText(s: string): string {
  const q = /^"(.*)"$/s.exec(s.trim());
  const t = q ? q[1] : s.trim();
  if (/^([0-9A-F]{2}\s+)*[0-9A-F]{2}\s*$/.test(t)) return '0x' + t.replace(/\s+/g, '').toLowerCase();
  return '0x' + Buffer.from(t, 'latin1').toString('hex');
}

/** Index sub-identifiers (-Ob: numeric) → the keys: a length-prefixed name, then fixed-length octet strings. */
function indexKeys(index: string, fixed: readonly number[]): string[] {
  const ids = index.replace(/^\./, '').split('.').map(Number);
  const n = ids[0];
  const out = [Buffer.from(ids.slice(1, 1 + n)).toString('utf8')];
  let i = 1 + n;
  for (const len of fixed) {
    out.push('0x' + Buffer.from(ids.slice(i, i + len)).toString('hex'));
    i += len;
  }
  if (i !== ids.length) throw new Error(`index ${index}: ${ids.length - i} sub-identifier(s) left over`);
  return out;
}

/** A cell: '?' (the agent had no instance) is absent; units after a number are dropped. */
function cell(r: Record<string, string>, col: string): string | undefined {
  const v = r[col];
  if (v === undefined || v === '?' || v === '') return undefined;
  return v;
}
function num(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)(?: [A-Za-z]+)?$/.exec(v.trim());
  if (!m) throw new Error(`not a number: ${JSON.stringify(v)}`);
  return BigInt(m[1]).toString();
}
/** BcmDecimalString with its UNITS ("21000 wei"). */
function decimal(v: string | undefined, unit: string): string | undefined {
  if (v === undefined) return undefined;
  const m = new RegExp(`^"?(\\d+)"?(?: ${unit})?$`).exec(v.trim());
  if (!m) throw new Error(`not a decimal string in ${unit}: ${JSON.stringify(v)}`);
  return m[1];
}
function text(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const q = /^"(.*)"$/s.exec(v);
  return q ? q[1] : v;
}
/** An enumeration label (camelCase in the MIB, "codeGone(2)" with -Oe off or on) as the YANG enum (kebab-case). */
function enumText(v: string | undefined): string | undefined {
  return v === undefined ? undefined : kebab(v.replace(/\(\d+\)$/, ''));
}
function kebab(s: string): string { return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`); }
/** DateAndTime at its resolution (deciseconds), as ms. */
function decis(ms: number): string { return String(Math.floor(ms / 100) * 100); }

// ---- NETCONF ---------------------------------------------------------------------------------------------

type XNode = Record<string, unknown>;

function xs(n: XNode, name: string): XNode[] {
  const v = n[name];
  return Array.isArray(v) ? (v as XNode[]) : [];
}
function xt(n: XNode, name: string): string | undefined {
  const v = n[name];
  if (!Array.isArray(v) || !v.length) return undefined;
  const x = v[0] as unknown;
  if (typeof x === 'string') return x;
  if (typeof x === 'object' && x !== null) return String((x as { _?: unknown })._ ?? '');
  return undefined;
}

/** The <data> of a <get> reply, contracts, methods and channels as normalised rows. */
async function parseNetconf(xml: string): Promise<Views> {
  const doc = await parseStringPromise(xml, { explicitArray: true, tagNameProcessors: [processors.stripPrefix], attrNameProcessors: [processors.stripPrefix] }) as XNode;
  const reply = doc['rpc-reply'] as XNode;
  expect(reply, xml.slice(0, 2000)).to.be.an('object');
  expect(reply.rpcError ?? reply['rpc-error'], xml.slice(0, 2000)).to.equal(undefined);
  const data = xs(reply, 'data')[0];
  const ms = xs(data, 'managed-system')[0];
  const out: Views = { contracts: new Map(), methods: new Map(), channels: new Map() };
  const int = (n: XNode, f: string): string | undefined => { const v = xt(n, f); return v === undefined ? undefined : BigInt(v).toString(); };
  const time = (n: XNode, f: string): number | undefined => { const v = xt(n, f); if (v === undefined) return undefined; const t = Date.parse(v); if (Number.isNaN(t)) throw new Error(`${f}: not RFC 3339: ${v}`); return t; };
  for (const net of xs(ms, 'network')) {
    const nn = xt(net, 'name')!;
    for (const c of xs(net, 'contract')) {
      const addr = lc(xt(c, 'address')!);
      const t = time(c, 'last-activity-time');
      out.contracts.set(`${nn}/${addr}`, {
        // Leaves left out take their YANG default (the server reports defaults explicitly set only).
        name: xt(c, 'name') ?? '', source: xt(c, 'source'), deployer: xt(c, 'deployer')?.toLowerCase(), deployBlock: int(c, 'deploy-block'),
        deployTx: xt(c, 'deploy-tx')?.toLowerCase(), codeHash: xt(c, 'code-hash')?.toLowerCase(), codeSize: int(c, 'code-size'),
        lifecycleState: xt(c, 'lifecycle-state'), balance: xt(c, 'balance'), calls: int(c, 'calls'), failedCalls: int(c, 'failed-calls'),
        events: int(c, 'events'), lastActivityTime: t === undefined ? undefined : String(t), lastActivityBlock: int(c, 'last-activity-block'),
        abi: xt(c, 'abi'),
      });
      for (const m of xs(c, 'contract-method')) {
        out.methods.set(`${nn}/${addr}/${lc(xt(m, 'selector')!)}`, { name: xt(m, 'name'), calls: int(m, 'calls'), failures: int(m, 'failures'), meanGas: int(m, 'mean-gas') });
      }
    }
    for (const ch of xs(net, 'cross-chain-channel')) {
      const t = time(ch, 'last-relayed');
      out.channels.set(`${nn}/${xt(ch, 'name')!}`, {
        counterparty: xt(ch, 'counterparty'), protocol: xt(ch, 'protocol') ?? 'relay', sourceContract: xt(ch, 'source-contract')?.toLowerCase(),
        destContract: xt(ch, 'dest-contract')?.toLowerCase(), stuckThreshold: int(ch, 'stuck-threshold') ?? '60', state: xt(ch, 'state'),
        sent: int(ch, 'sent'), received: int(ch, 'received'), pending: int(ch, 'pending'), relayerState: xt(ch, 'relayer-state'),
        oldestPendingAge: int(ch, 'oldest-pending-age'), meanRelayLatency: int(ch, 'mean-relay-latency'), lastRelayed: t === undefined ? undefined : String(t),
        sentEvent: xt(ch, 'sent-event'), receivedEvent: xt(ch, 'received-event'),
      });
    }
  }
  return out;
}

const FILTER = `<filter type="subtree"><managed-system xmlns="${BCM}"><network><name/><contract/><cross-chain-channel/></network></managed-system></filter>`;

// ---- comparison ------------------------------------------------------------------------------------------

/** Differences of two tables on the given fields, as lines "key field: a ≠ b". */
function diff(what: string, a: Table, b: Table, fields: readonly string[], an: string, bn: string): string[] {
  const out: string[] = [];
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const k of keys) {
    const ra = a.get(k);
    const rb = b.get(k);
    if (!ra || !rb) { out.push(`${what} ${k}: ${ra ? 'missing' : 'present'} in ${bn}, ${ra ? 'present' : 'missing'} in ${an}`); continue; }
    for (const f of fields) if (ra[f] !== rb[f]) out.push(`${what} ${k} ${f}: ${an} ${JSON.stringify(ra[f])} ≠ ${bn} ${JSON.stringify(rb[f])}`);
  }
  return out;
}

function diffAll(a: Views, b: Views, an: string, bn: string): string[] {
  return [
    ...diff('contract', a.contracts, b.contracts, CONTRACT_FIELDS, an, bn),
    ...diff('method', a.methods, b.methods, METHOD_FIELDS, an, bn),
    ...diff('channel', a.channels, b.channels, CHANNEL_FIELDS, an, bn),
  ];
}

describe('contract and channel tables: snmptable, NETCONF <get> and the chains agree', function () {
  this.timeout(120_000);
  let a: DevChain;
  let b: DevChain;
  let tb: ViewsBridge;
  let views: Composed;
  let relayer: Relayer | undefined;
  let abiDir = '';
  let workload = '';
  let sender = '';
  let receiver = '';
  /** Transactions sent by the test (not the relayer's), with what they must do. */
  const mine: { chain: DevChain; hash: string; ok: boolean }[] = [];
  /** When the scenario started, when the first message left undelivered was sent, when the bridge had seen it all (ms). */
  let firstPendingSentAt = 0;
  let t0 = 0;
  let tSeen = 0;
  let truth: Views;
  let snmpViews: Views;
  let httpViews: Views;
  let snmpWindow: [number, number];
  let httpWindow: [number, number];

  const tracked = (net: string): number => {
    const l = tb.bridge.tree.find([{ cls: 'network', keys: [net] }, { cls: 'ledger', keys: ['main'] }]);
    return Number(l?.get('height') ?? -1);
  };
  const head = async (c: DevChain): Promise<number> => Number(BigInt(await c.request('eth_blockNumber') as string));
  const receiptOf = (c: DevChain, h: string): Promise<RawReceipt & { blockNumber: string; contractAddress: string | null }> =>
    until(`receipt of ${h}`, async () => (await c.request('eth_getTransactionReceipt', [h])) as (RawReceipt & { blockNumber: string }) | null ?? undefined, 20_000, 50);
  const send = async (c: DevChain, tx: Record<string, string>, ok: boolean): Promise<string> => {
    const hash = await c.request('eth_sendTransaction', [tx]) as string;
    mine.push({ chain: c, hash, ok });
    return hash;
  };
  const deployOn = async (c: DevChain, code: string, from: string): Promise<string> => {
    const h = await send(c, { from, data: code, gas: hex(2_000_000) }, true);
    const r = await receiptOf(c, h);
    expect(r.status).to.equal('0x1');
    return r.contractAddress!.toLowerCase();
  };
  const delivered = async (): Promise<number> => Number(BigInt(await b.request('eth_call', [{ to: receiver, data: RECEIVER_SELECTORS['count()'] }, 'latest']) as string));

  /** Everything the chain says, block by block from genesis: the bridge's own data source, read independently. */
  const scan = async (c: DevChain): Promise<ChainTx[]> => {
    const out: ChainTx[] = [];
    const top = await head(c);
    for (let n = 0; n <= top; n++) {
      const blk = await c.request('eth_getBlockByNumber', [hex(n), true]) as { timestamp: string; transactions: RawTx[] };
      for (const tx of blk.transactions) {
        const receipt = await c.request('eth_getTransactionReceipt', [tx.hash]) as RawReceipt;
        out.push({ block: n, time: Number(BigInt(blk.timestamp)), tx, receipt });
      }
    }
    return out;
  };

  /** The contract, method and channel rows the chains imply. */
  const chainTruth = async (): Promise<Views> => {
    const t: Views = { contracts: new Map(), methods: new Map(), channels: new Map() };
    const configured = new Map<string, { name: string; sigs: Map<string, string> }>([
      [sender, { name: 'sender', sigs: bySelector(SENDER_SELECTORS) }],
      [receiver, { name: 'receiver', sigs: bySelector(RECEIVER_SELECTORS) }],
    ]);
    const logsOf = new Map<string, { address: string; topics: string[] }[]>();
    for (const [net, c] of [[NET_A, a], [NET_B, b]] as const) {
      const txs = await scan(c);
      const logs = txs.flatMap((x) => x.receipt.logs.map((l) => ({ address: lc(l.address), topics: l.topics.map(lc) })));
      logsOf.set(net, logs);
      const deployed = txs.filter((x) => x.tx.to === null && x.receipt.status === '0x1' && x.receipt.contractAddress);
      for (const d of deployed) {
        const addr = lc(d.receipt.contractAddress!);
        const calls = txs.filter((x) => x.tx.to !== null && lc(x.tx.to) === addr);
        const emitting = txs.filter((x) => x.receipt.logs.some((l) => lc(l.address) === addr));
        const last = [d, ...calls, ...emitting].reduce((p, x) => (x.block > p.block ? x : p));
        const code = await c.request('eth_getCode', [addr, 'latest']) as string;
        const balance = BigInt(await c.request('eth_getBalance', [addr, 'latest']) as string);
        // The node's own code hash (account proof), and the same from src/contract/keccak.ts over eth_getCode.
        const proof = await c.request('eth_getProof', [addr, [], 'latest']) as { codeHash: string };
        expect(keccakHex(code), `code hash of ${addr}`).to.equal(lc(proof.codeHash));
        const cfg = configured.get(addr);
        t.contracts.set(`${net}/${addr}`, {
          name: cfg?.name ?? '', source: cfg ? 'configured' : 'discovered', deployer: lc(d.tx.from), deployBlock: String(d.block), deployTx: lc(d.tx.hash),
          codeHash: keccakHex(code), codeSize: String((code.length - 2) / 2), lifecycleState: code === '0x' ? 'code-gone' : 'deployed',
          balance: balance.toString(), calls: String(calls.length), failedCalls: String(calls.filter((x) => x.receipt.status === '0x0').length),
          events: String(emitting.reduce((n, x) => n + x.receipt.logs.filter((l) => lc(l.address) === addr).length, 0)),
          lastActivityTime: String(last.time * 1000), lastActivityBlock: String(last.block),
        });
        const bySel = new Map<string, ChainTx[]>();
        for (const x of calls) {
          if (x.tx.input.length < 10) continue;
          const sel = lc(x.tx.input.slice(0, 10));
          bySel.set(sel, [...(bySel.get(sel) ?? []), x]);
        }
        for (const [sel, xs2] of bySel) {
          const gas = xs2.reduce((g, x) => g + BigInt(x.receipt.gasUsed), 0n);
          t.methods.set(`${net}/${addr}/${sel}`, {
            name: cfg?.sigs.get(sel) ?? '', calls: String(xs2.length), failures: String(xs2.filter((x) => x.receipt.status === '0x0').length),
            meanGas: (gas / BigInt(xs2.length)).toString(),
          });
        }
      }
    }
    const sentTopic = keccakText(SENT_EVENT);
    const recvTopic = keccakText(RECEIVED_EVENT);
    const sentIds = new Set(logsOf.get(NET_A)!.filter((l) => l.address === sender && l.topics[0] === sentTopic).map((l) => l.topics[1]));
    const recvIds = new Set(logsOf.get(NET_B)!.filter((l) => l.address === receiver && l.topics[0] === recvTopic).map((l) => l.topics[1]));
    const received = [...sentIds].filter((id) => recvIds.has(id)).length;
    const codeA = await a.request('eth_getCode', [sender, 'latest']) as string;
    const codeB = await b.request('eth_getCode', [receiver, 'latest']) as string;
    t.channels.set(`${NET_A}/${CHANNEL}`, {
      counterparty: NET_B, protocol: 'relay', sourceContract: sender, destContract: receiver, stuckThreshold: String(STUCK),
      state: codeA !== '0x' && codeB !== '0x' ? 'open' : 'closed', sent: String(sentIds.size), received: String(received),
      pending: String(sentIds.size - received), relayerState: 'alive',
    });
    return t;
  };

  /** The three tables through snmptable, normalised. */
  const snmpTables = async (): Promise<Views> => {
    const target = `127.0.0.1:${views.snmp.port}`;
    const table = async (name: string): Promise<SnmpTable> => {
      const r = await snmp('snmptable', target, ['-v2c', '-c', 'public', '-t', '5', '-r', '1', '-Cb', '-Ci', '-Cf', '|', '-Ob', '--', `${MIB}::${name}`]);
      expect(r.code, `${name}: ${r.stderr}`).to.equal(0);
      // net-snmp may say it created its (private, temporary) persistent directory: nothing else.
      expect(r.stderr.split('\n').filter((l) => l.trim() !== '' && !/^Created directory: /.test(l)), name).to.deep.equal([]);
      return parseSnmpTable(r.stdout, name);
    };
    const out: Views = { contracts: new Map(), methods: new Map(), channels: new Map() };
    const ctr = await table('bcmCtrTable');
    for (const [idx, r] of ctr.rows) {
      const [net, addr] = indexKeys(idx, [20]);
      const t = cell(r, 'LastActivityTime');
      out.contracts.set(`${net}/${addr}`, {
        name: text(cell(r, 'Name')) ?? '', source: enumText(cell(r, 'Source')), deployer: mapOpt(cell(r, 'Deployer'), octetsText),
        deployBlock: num(cell(r, 'DeployBlock')), deployTx: mapOpt(cell(r, 'DeployTx'), octetsText), codeHash: mapOpt(cell(r, 'CodeHash'), octetsText),
        codeSize: num(cell(r, 'CodeSize')), lifecycleState: enumText(cell(r, 'LifecycleState')), balance: decimal(cell(r, 'Balance'), 'wei'),
        calls: num(cell(r, 'Calls')), failedCalls: num(cell(r, 'FailedCalls')), events: num(cell(r, 'Events')),
        lastActivityTime: t === undefined ? undefined : String(parseDateAndTimeText(t)), lastActivityBlock: num(cell(r, 'LastActivityBlock')),
      });
    }
    const meth = await table('bcmMethTable');
    for (const [idx, r] of meth.rows) {
      const [net, addr, sel] = indexKeys(idx, [20, 4]);
      out.methods.set(`${net}/${addr}/${sel}`, { name: text(cell(r, 'Name')) ?? '', calls: num(cell(r, 'Calls')), failures: num(cell(r, 'Failures')), meanGas: num(cell(r, 'MeanGas')) });
    }
    const xc = await table('bcmXcTable');
    for (const [idx, r] of xc.rows) {
      const ids = idx.replace(/^\./, '').split('.').map(Number);
      const net = Buffer.from(ids.slice(1, 1 + ids[0])).toString('utf8');
      const rest = ids.slice(1 + ids[0]);
      expect(rest[0], `channel index ${idx}`).to.equal(rest.length - 1);
      const name = Buffer.from(rest.slice(1)).toString('utf8');
      const t = cell(r, 'LastRelayed');
      out.channels.set(`${net}/${name}`, {
        counterparty: text(cell(r, 'Counterparty')), protocol: enumText(cell(r, 'Protocol')), sourceContract: mapOpt(cell(r, 'SourceContract'), octetsText),
        destContract: mapOpt(cell(r, 'DestContract'), octetsText), stuckThreshold: num(cell(r, 'StuckThreshold')), state: enumText(cell(r, 'State')),
        sent: num(cell(r, 'Sent')), received: num(cell(r, 'Received')), pending: num(cell(r, 'Pending')), relayerState: enumText(cell(r, 'RelayerState')),
        oldestPendingAge: num(cell(r, 'OldestPendingAge')), meanRelayLatency: num(cell(r, 'MeanRelayLatency')),
        lastRelayed: t === undefined ? undefined : String(parseDateAndTimeText(t)),
      });
    }
    return out;
  };

  /** The instance tree itself, normalised like the views. */
  const treeViews = (): Views => {
    const out: Views = { contracts: new Map(), methods: new Map(), channels: new Map() };
    const str = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));
    const en = (v: unknown): string | undefined => (v === undefined ? undefined : kebab(String(v)));
    for (const net of tb.bridge.tree.root.list('network')) {
      const nn = String(net.keys[0]);
      for (const c of net.list('contract')) {
        const addr = String(c.keys[0]);
        const row: Row = {};
        for (const f of CONTRACT_FIELDS) row[f] = f === 'source' || f === 'lifecycleState' ? en(c.get(f)) : str(c.get(f));
        row.name ??= '';
        out.contracts.set(`${nn}/${addr}`, row);
        for (const m of c.list('contractMethod')) {
          const r: Row = {};
          for (const f of METHOD_FIELDS) r[f] = str(m.get(f));
          out.methods.set(`${nn}/${addr}/${String(m.keys[0])}`, r);
        }
      }
      for (const ch of net.list('crossChainChannel')) {
        const r: Row = {};
        for (const f of CHANNEL_FIELDS) r[f] = f === 'state' || f === 'relayerState' || f === 'protocol' ? en(ch.get(f)) : str(ch.get(f));
        out.channels.set(`${nn}/${String(ch.keys[0])}`, r);
      }
    }
    return out;
  };

  const netconfGet = async (): Promise<string> => {
    const r = await httpRequest(views.netconf.httpPort, { body: rpc(1, `<get>${FILTER}</get>`), user: ADMIN });
    expect(r.status, r.body).to.equal(200);
    return r.body;
  };

  before(async function () {
    requireTool(this, 'snmptable', 'snmp');
    abiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-agree-'));
    fs.writeFileSync(path.join(abiDir, 'sender.json'), SENDER_ABI);
    fs.writeFileSync(path.join(abiDir, 'receiver.json'), RECEIVER_ABI);
    a = await startDevChain({ chainId: 1337, blockIntervalMs: 250, workload: false });
    b = await startDevChain({ chainId: 1338, blockIntervalMs: 250, workload: false });
    const base: ConfigObject = {
      configuration: usersConfig(),
      networks: [
        { name: NET_A, platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: a.url }] },
        { name: NET_B, platform: 'ethereum', pollInterval: 1, nodes: [{ name: 'n1', endpoint: b.url }] },
      ],
    };
    tb = await startViewsBridge(base);
    views = tb.views;
    // The bridge counts from its first head on: everything happens after that.
    await until('both ledgers tracked', () => tracked(NET_A) >= 0 && tracked(NET_B) >= 0, 20_000);
    t0 = Date.now();
    const [a0, a1, a2, a3, a4] = a.accounts.map((x) => x.address);
    const b1 = b.accounts[1].address; // b.accounts[0] is the relayer's
    workload = await deployOn(a, WORKLOAD_BYTECODE, a0);
    sender = await deployOn(a, SENDER_BYTECODE, a4);
    receiver = await deployOn(b, RECEIVER_BYTECODE, b1);

    // Sender and Receiver configured (named, with ABI files), the channel between them; the workload stays discovered.
    const doc: ConfigObject = JSON.parse(JSON.stringify(base)) as ConfigObject;
    const nets = doc.networks as ConfigObject[];
    nets[0].contracts = [{ address: sender, name: 'sender', abi: path.join(abiDir, 'sender.json') }];
    nets[0].crossChainChannels = [{
      name: CHANNEL, counterparty: NET_B, sourceContract: sender, destContract: receiver, sentEvent: SENT_EVENT, receivedEvent: RECEIVED_EVENT, stuckThreshold: STUCK,
    }];
    nets[1].contracts = [{ address: receiver, name: 'receiver', abi: path.join(abiDir, 'receiver.json') }];
    tb.bridge.commit(doc, { user: 'test', source: 'test' });
    await until('the channel written', () => tb.bridge.tree.find([{ cls: 'network', keys: [NET_A] }, { cls: 'crossChainChannel', keys: [CHANNEL] }]));
    relayer = await Relayer.start({ from: a.url, to: b.url, sender, receiver, pollMs: 200 });

    // Workload: 6 paying record(n), 2 record(0) and 2 fail() reverting, no call data and an unknown selector (no fallback: both revert).
    const REC = WORKLOAD_SELECTORS['record(uint256)'];
    for (let i = 1; i <= 6; i++) await send(a, { from: i % 2 ? a1 : a2, to: workload, data: REC + word(i), gas: hex(150_000), value: hex(BigInt(i) * 1000n) }, true);
    for (let i = 0; i < 2; i++) await send(a, { from: a1, to: workload, data: REC + word(0), gas: hex(150_000), value: hex(7n) }, false);
    for (let i = 0; i < 2; i++) await send(a, { from: a2, to: workload, data: WORKLOAD_SELECTORS['fail()'], gas: hex(150_000) }, false);
    await send(a, { from: a3, to: workload, data: '0x', gas: hex(150_000) }, false);
    await send(a, { from: a3, to: workload, data: UNKNOWN_SELECTOR + word(1), gas: hex(150_000) }, false);

    // 8 messages relayed.
    const message = (n: number): Record<string, string> => ({ from: a1, to: sender, gas: hex(200_000), data: encodeSend(a2, utf8Hex(`message ${n}`)) });
    for (let n = 1; n <= 8; n++) await send(a, message(n), true);
    // Sender.send out of gas (status 0, no event), Sender.nonce() as a transaction.
    await send(a, { ...message(99), gas: hex(30_000) }, false);
    await send(a, { from: a3, to: sender, data: SENDER_SELECTORS['nonce()'], gas: hex(100_000) }, true);
    await until('8 messages delivered', async () => (await delivered()) === 8, 30_000, 100);

    // A delivery of a message never sent (its MessageReceived matches nothing), and its repetition (reverts).
    const foreign = keccakText('never sent');
    await send(b, { from: b1, to: receiver, data: encodeDeliver(foreign, 1337n, a2, utf8Hex('foreign')), gas: hex(300_000) }, true);
    await receiptOf(b, mine[mine.length - 1].hash);
    await send(b, { from: b1, to: receiver, data: encodeDeliver(foreign, 1337n, a2, utf8Hex('foreign')), gas: hex(300_000) }, false);
    // The relayer stops: 3 more messages stay pending.
    await relayer.stop();
    expect(relayer.stats()).to.include({ delivered: 8, errors: 0 });
    relayer = undefined;
    firstPendingSentAt = Date.now();
    for (let n = 9; n <= 11; n++) await send(a, message(n), true);

    // Every transaction of the test mined as intended.
    for (const m of mine) {
      const r = await receiptOf(m.chain, m.hash);
      expect(r.status, `${m.hash}`).to.equal(m.ok ? '0x1' : '0x0');
    }
    // Activity over: the chains keep producing empty blocks. The bridge has seen it all once it tracks
    // blocks past the current heads and its activity feed is idle.
    const [ha, hb] = [await head(a), await head(b)];
    await until('the bridge past the last transactions', () => tracked(NET_A) > ha + 1 && tracked(NET_B) > hb + 1, 20_000);
    await activityFeed(tb.bridge).idle();
    tSeen = Date.now();
    truth = await chainTruth();
  });

  after(async () => {
    await relayer?.stop();
    await tb?.cleanup();
    await a?.stop();
    await b?.stop();
    if (abiDir) fs.rmSync(abiDir, { recursive: true, force: true });
  });

  it('the chains show the exact scenario', () => {
    const w = truth.contracts.get(`${NET_A}/${workload}`)!;
    expect(w).to.include({ source: 'discovered', calls: '12', failedCalls: '6', events: '6', balance: String(21n * 1000n), lifecycleState: 'deployed' });
    expect(truth.methods.get(`${NET_A}/${workload}/${WORKLOAD_SELECTORS['record(uint256)']}`)).to.include({ calls: '8', failures: '2' });
    expect(truth.methods.get(`${NET_A}/${workload}/${WORKLOAD_SELECTORS['fail()']}`)).to.include({ calls: '2', failures: '2' });
    expect(truth.methods.get(`${NET_A}/${workload}/${UNKNOWN_SELECTOR}`)).to.include({ name: '', calls: '1', failures: '1' });
    expect(truth.contracts.get(`${NET_A}/${sender}`)).to.include({ name: 'sender', calls: '13', failedCalls: '1', events: '11' });
    expect(truth.methods.get(`${NET_A}/${sender}/${SENDER_SELECTORS['send(address,bytes)']}`)).to.include({ name: 'send(address,bytes)', calls: '12', failures: '1' });
    expect(truth.contracts.get(`${NET_B}/${receiver}`)).to.include({ name: 'receiver', calls: '10', failedCalls: '1', events: '9' });
    expect(truth.channels.get(`${NET_A}/${CHANNEL}`)).to.include({ sent: '11', received: '8', pending: '3', state: 'open' });
    expect([...truth.contracts.keys()]).to.have.length(3);
  });

  it('the bridge has caught up with the chains (its instance tree shows them)', async () => {
    // Balances and code hashes come from account checks made in the blocks after the activity.
    let last: string[] = [];
    await until('the tree to show the chains', () => { last = diffAll(treeViews(), truth, 'tree', 'chain'); return last.length === 0; }, 20_000, 100)
      .catch((e: Error) => { throw new Error(`${e.message}\n${last.join('\n')}`); });
  });

  it('snmptable of bcmCtrTable, bcmMethTable and bcmXcTable agrees with the chains', async () => {
    const s0 = Date.now();
    snmpViews = await snmpTables();
    snmpWindow = [s0, Date.now()];
    const problems = diffAll(snmpViews, truth, 'snmp', 'chain');
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('a NETCONF <get> over HTTP agrees with the chains and with snmptable', async () => {
    const h0 = Date.now();
    httpViews = await parseNetconf(await netconfGet());
    httpWindow = [h0, Date.now()];
    const problems = [...diffAll(httpViews, truth, 'netconf', 'chain'), ...diffAll(httpViews, snmpViews, 'netconf', 'snmp')];
    expect(problems, problems.join('\n')).to.deep.equal([]);
    // Leaves the MIB does not carry: from the configuration.
    const ch = httpViews.channels.get(`${NET_A}/${CHANNEL}`)!;
    expect(ch).to.include({ sentEvent: SENT_EVENT, receivedEvent: RECEIVED_EVENT });
    expect(httpViews.contracts.get(`${NET_A}/${sender}`)!.abi).to.equal(path.join(abiDir, 'sender.json'));
    expect(httpViews.contracts.get(`${NET_A}/${workload}`)!.abi).to.equal(undefined);
  });

  it('the observation times agree between the views and are consistent with the chains', () => {
    const key = `${NET_A}/${CHANNEL}`;
    const s = snmpViews.channels.get(key)!;
    const n = httpViews.channels.get(key)!;
    // Same instant: the DateAndTime's resolution is a decisecond.
    expect(s.lastRelayed, 'lastRelayed in snmp').to.be.a('string');
    expect(s.lastRelayed).to.equal(decis(Number(n.lastRelayed)));
    expect(Number(n.lastRelayed)).to.be.within(t0, tSeen);
    expect(s.meanRelayLatency).to.equal(n.meanRelayLatency);
    expect(Number(n.meanRelayLatency)).to.be.within(0, tSeen - t0);
    // The oldest pending message ages between the two reads (the channel row is refreshed every second):
    // by at most the time between them plus one refresh; and it is no older than the message itself.
    const sa = Number(s.oldestPendingAge);
    const na = Number(n.oldestPendingAge);
    expect(na - sa).to.be.within(0, Math.ceil((httpWindow[1] - snmpWindow[0]) / 1000) + 1);
    expect(na).to.be.within(0, Math.ceil((httpWindow[1] - firstPendingSentAt) / 1000));
    for (const f of CHANNEL_TIMES) expect(n[f], f).to.be.a('string');
  });

  it('ncclient over SSH gets the same data as HTTP', async function () {
    requireNcclient(this);
    const [, get] = await ncclient(views.netconf.sshPort, [login(ADMIN), { op: 'get', filter: ['subtree', FILTER.replace(/^<filter type="subtree">|<\/filter>$/g, '')] }]);
    expect(get.ok, JSON.stringify(get)).to.equal(true);
    const nc = await parseNetconf(get.xml!);
    const problems = diffAll(nc, httpViews, 'ncclient', 'http');
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});

function mapOpt<T>(v: string | undefined, f: (s: string) => T): T | undefined {
  return v === undefined ? undefined : f(v);
}
