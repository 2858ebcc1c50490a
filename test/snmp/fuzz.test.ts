/**
 * Robustness: 10,000 random and mutated datagrams (from valid v1, v2c and v3 requests of every kind,
 * SETs included, from read-only and from write principals) and 64 KB of junk, over UDP. The agent must
 * not crash and must keep answering. The seeds' SETs are valid (each is sent once unmutated, and must
 * commit), so fuzzed SETs reach the write path; afterwards no value of the MIB may have changed but the
 * objects the seeds' SETs name (a walk before and after is compared, without the commit statistics),
 * and every commit made by a fuzzed SET changed nothing but those objects.
 */
import { expect } from 'chai';
import * as dgram from 'node:dgram';
import { modelIndex } from '../../src/model';
import { Tag } from '../../src/snmp/ber';
import type { SnmpValue } from '../../src/snmp/ber';
import type { ConfigObject } from '../../src/config/document';
import { V1, V2C, V3, MsgFlags, encodeCommunityMessage, encodePdu, encodeVarbinds } from '../../src/snmp/message';
import { entryOid } from '../../src/snmp/mibview';
import { parseOid } from '../../src/snmp/oid';
import type { Oid } from '../../src/snmp/oid';
import { SaltSource, userKeys } from '../../src/snmp/usm';
import { encodeV3 } from '../../src/snmp/v3';
import { requireTool } from '../support/tools';
import { fillEveryClass, fillTree, freeUdpPort, snmp, startAgent } from '../support/snmp';
import type { TestAgent } from '../support/snmp';

/** Deterministic PRNG (mulberry32), so that a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The writable objects the SET seeds name (harmless ones: no port, no address, no community). */
const cfgCls = modelIndex.cls('configuration');
const targetCls = modelIndex.cls('notificationTarget');
const FZ = [2, ...Buffer.from('fz')];
const SET_OBJECTS: readonly { oid: string; path: string }[] = [
  { oid: `${modelIndex.attributeOid(cfgCls, modelIndex.attr(cfgCls, 'rpcTimeout'))}.0`, path: 'configuration.rpcTimeout' },
  { oid: `${modelIndex.attributeOid(cfgCls, modelIndex.attr(cfgCls, 'idleTimeout'))}.0`, path: 'configuration.idleTimeout' },
  { oid: `${modelIndex.attributeOid(targetCls, modelIndex.attr(targetCls, 'timeout'))}.${FZ.join('.')}`, path: 'configuration.notificationTargets[fz].timeout' },
  { oid: `${modelIndex.attributeOid(targetCls, modelIndex.attr(targetCls, 'retries'))}.${FZ.join('.')}`, path: 'configuration.notificationTargets[fz].retries' },
];
/** Objects a commit changes by itself (commit statistics). */
const COMMIT_STATS = [
  modelIndex.attributeOid(cfgCls, modelIndex.attr(cfgCls, 'lastCommitTime')),
  modelIndex.attributeOid(cfgCls, modelIndex.attr(cfgCls, 'lastCommitUser')),
  modelIndex.attributeOid(cfgCls, modelIndex.attr(cfgCls, 'commitCount')),
  modelIndex.attributeOid(modelIndex.root, modelIndex.attr(modelIndex.root, 'lastConfigChange')),
];

/** Walk lines without the objects a SET of the seeds or a commit may change. */
function stable(walk: string): string[] {
  const skip = [...SET_OBJECTS.map((o) => o.oid), ...COMMIT_STATS].map((o) => `.${o}`);
  return walk.split('\n').filter((l) => !skip.some((p) => l.startsWith(`${p} `) || l.startsWith(`${p}.`)));
}

/** A configuration document without the attributes the seeds' SETs name. */
function withoutSetObjects(doc: ConfigObject): ConfigObject {
  const d = structuredClone(doc);
  const cfg = d.configuration as ConfigObject;
  delete cfg.rpcTimeout;
  delete cfg.idleTimeout;
  for (const t of cfg.notificationTargets as ConfigObject[]) { delete t.timeout; delete t.retries; }
  return d;
}

describe('snmp agent robustness', function () {
  this.timeout(180000);
  let a: TestAgent;

  before(async function () {
    requireTool(this, 'snmpwalk', 'snmp');
    a = await startAgent({
      configuration: {
        snmpCommunities: [{ name: 'ro', community: 'public' }, { name: 'adm', community: 'private', access: 'admin' }],
        snmpUsers: [
          { name: 'ro3', authProtocol: 'sha', authKey: 'fuzz-auth-pass', privProtocol: 'aes', privKey: 'fuzz-priv-pass' },
          { name: 'adm3', authProtocol: 'sha', authKey: 'fuzz-auth-adm3', privProtocol: 'aes', privKey: 'fuzz-priv-adm3', access: 'admin' },
        ],
        // locked: never sent to; its timeout and retries are SET targets
        notificationTargets: [{ name: 'fz', host: '127.0.0.1', port: await freeUdpPort(), adminState: 'locked' }],
      },
    });
    a.bridge.collector.apply([]);
    fillTree(a.bridge.tree, 2, 3, 5);
    fillEveryClass(a.bridge.tree);
  });
  after(async () => { await a?.stop(); });

  /** Valid SET varbinds of the seed objects; the values differ per principal, so that each one commits. */
  function setVarbinds(n: number): Buffer {
    const g = (v: number): SnmpValue => ({ type: 'gauge32', value: v });
    const values = [g(2000 + n), g(1800 + n), g(2500 + n), g(1 + n)];
    return encodeVarbinds(SET_OBJECTS.map((o, i) => ({ oid: parseOid(o.oid), value: values[i] })));
  }

  function seeds(): Buffer[] {
    const agent = a.view.agent;
    const v = agent.view.index();
    const oids: Oid[] = [parseOid('1.3.6.1.2.1.1.1.0'), parseOid(modelIndex.rootOid), ...[0, 7, 50, 200, v.length - 1].map((i) => entryOid(v.entry(Math.min(i, v.length - 1))!))];
    const NULL: SnmpValue = { type: 'null' };
    const vbs = encodeVarbinds(oids.map((oid) => ({ oid, value: NULL })));
    const out: Buffer[] = [];
    const salts = new SaltSource();
    const ro3 = userKeys('sha', 'fuzz-auth-pass', 'aes', 'fuzz-priv-pass', agent.engine.id);
    const adm3 = userKeys('sha', 'fuzz-auth-adm3', 'aes', 'fuzz-priv-adm3', agent.engine.id);
    for (const type of [Tag.GetRequest, Tag.GetNextRequest, Tag.GetBulkRequest, Tag.SetRequest]) {
      const pdu = (version: number): Buffer => encodePdu(type, 12345, type === Tag.GetBulkRequest ? 1 : 0, type === Tag.GetBulkRequest ? 20 : 0,
        type === Tag.SetRequest ? setVarbinds(version) : vbs);
      // read-only community (a SET is refused), write community (a SET commits), unknown community; v1 and v2c
      for (const c of ['public', 'private', 'nope']) for (const ver of [V1, V2C]) out.push(encodeCommunityMessage(ver, Buffer.from(c), pdu(ver)));
      // v3: a discovery probe, and authPriv requests of the read-only and of the admin user
      out.push(encodeV3({ msgId: 1, maxSize: 65507, flags: MsgFlags.reportable, engineId: Buffer.alloc(0), boots: 0, time: 0, userName: Buffer.alloc(0),
        contextEngineId: Buffer.alloc(0), contextName: Buffer.alloc(0), pdu: pdu(V3) }, salts));
      for (const [user, keys] of [['ro3', ro3], ['adm3', adm3]] as const) {
        out.push(encodeV3({ msgId: 2, maxSize: 484, flags: MsgFlags.auth | MsgFlags.priv | MsgFlags.reportable, engineId: agent.engine.id,
          boots: agent.engine.boots, time: agent.engine.time(), userName: Buffer.from(user), keys,
          contextEngineId: agent.engine.id, contextName: Buffer.alloc(0), pdu: pdu(V3) }, salts));
      }
    }
    return out;
  }

  function mutate(rand: () => number, seed: Buffer): Buffer {
    const b = Buffer.from(seed);
    const r = rand();
    const at = Math.floor(rand() * b.length);
    if (r < 0.3) { // flip a few bytes
      for (let i = 0, n = 1 + Math.floor(rand() * 4); i < n; i++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      return b;
    }
    if (r < 0.45) return b.subarray(0, at); // truncate
    if (r < 0.6) { // a length byte made huge or indefinite
      const forms = [[0x80], [0x84, 0xff, 0xff, 0xff, 0xff], [0x81, 0xff], [0x7f], [0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]];
      return Buffer.concat([b.subarray(0, at), Buffer.from(forms[Math.floor(rand() * forms.length)]), b.subarray(at + 1)]);
    }
    if (r < 0.75) { // insert junk
      const junk = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 40) }, () => Math.floor(rand() * 256)));
      return Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
    }
    if (r < 0.85) return Buffer.concat([b, b.subarray(at)]); // repeat a tail
    return Buffer.from(Array.from({ length: Math.floor(rand() * 600) }, () => Math.floor(rand() * 256))); // pure noise
  }

  async function walk(): Promise<string> {
    const r = await snmp('snmpbulkwalk', a.target, ['-v2c', '-c', 'public', '-On', '-Cr40', '--', modelIndex.rootOid]);
    expect(r.code, r.stderr).to.equal(0);
    return r.stdout;
  }

  it('survives 10,000 random and mutated datagrams and a 64 KB one; SETs commit, and nothing else changes', async () => {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    let replies = 0;
    sock.on('message', () => { replies++; });
    const port = a.view.port;
    const send = (b: Buffer): Promise<void> => new Promise((resolve) => sock.send(b, port, '127.0.0.1', () => resolve()));
    const base = seeds();
    // Every seed once as it is: the write principals' SETs commit (v1, v2c, v3), the read-only ones do not.
    const commits = a.bridge.datastore.commitCount;
    for (const b of base) await send(b);
    await new Promise((r) => setTimeout(r, 300));
    const users = a.bridge.datastore.audit(10).filter((r) => r.source === 'snmp').map((r) => r.user);
    expect(a.bridge.datastore.commitCount - commits, 'the unmutated SETs commit').to.equal(3);
    expect(users.sort()).to.deep.equal(['adm', 'adm', 'adm3']);
    const running = a.bridge.running;

    const before = await walk();
    expect(before.split('\n').length).to.be.above(500);
    const counters = { ...a.view.agent.counters };
    const commitsBefore = a.bridge.datastore.commitCount;
    const rand = prng(20261125);
    for (let i = 0; i < 10000; i++) {
      await send(mutate(rand, base[Math.floor(rand() * base.length)]));
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 2)); // let the agent drain its socket
    }
    const junk = Buffer.from(Array.from({ length: 65507 }, () => Math.floor(rand() * 256)));
    await send(junk);
    junk[0] = 0x30; junk[1] = 0x83; junk[2] = 0x00; junk[3] = 0xff; junk[4] = 0xdc; // a SEQUENCE claiming the whole datagram
    await send(junk);
    await new Promise((r) => setTimeout(r, 300));
    sock.close();
    const c = a.view.agent.counters;
    expect(c.inPkts - counters.inPkts).to.be.above(9000);
    expect(c.inASNParseErrs - counters.inASNParseErrs).to.be.above(3000);
    expect(replies).to.be.above(0);
    expect(a.view.agent.internalErrors, 'exceptions other than BER errors').to.equal(0);
    const after = await walk();
    expect(stable(after)).to.deep.equal(stable(before));
    // Fuzzed SETs that committed changed only the objects they named.
    const fuzzed = a.bridge.datastore.commitCount - commitsBefore;
    const diffs = a.bridge.datastore.audit(fuzzed).flatMap((r) => r.diff);
    const allowed = SET_OBJECTS.map((o) => `~ ${o.path}: `);
    for (const d of diffs) expect(allowed.some((p) => d.startsWith(p)), d).to.equal(true);
    expect(withoutSetObjects(a.bridge.running)).to.deep.equal(withoutSetObjects(running));
    console.log(`      ${fuzzed} fuzzed SETs committed (${diffs.length} changes)`);
    const g = await snmp('snmpget', a.target, ['-v2c', '-c', 'public', '-Oqv', '--', 'sysName.0']);
    expect(g.code).to.equal(0);
  });
});
