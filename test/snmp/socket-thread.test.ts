/**
 * The SNMP socket thread (src/snmp/socket-thread.ts): GETs the main thread has answered once are answered again on
 * the thread (get-cache.ts), with values the tree's writes keep current (get-cells.ts). Checked with net-snmp's
 * snmpget and with our own codec as the client (for octet-by-octet comparison and a second source address).
 */
import { expect } from 'chai';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import { Tag } from '../../src/snmp/ber';
import { GetCache, MAX_PRINCIPALS, principalKey } from '../../src/snmp/get-cache';
import { V1, V2C, decodeMessage, encodeCommunityMessage, encodePdu, encodeVarbinds } from '../../src/snmp/message';
import type { CommunityMessage } from '../../src/snmp/message';
import { parseOid } from '../../src/snmp/oid';
import type { Oid } from '../../src/snmp/oid';
import { modelIndex } from '../../src/model';
import { requirePysnmp, requireTool } from '../support/tools';
import { MIB, fillTree, pysnmp, snmp, startAgent } from '../support/snmp';
import type { TestAgent } from '../support/snmp';
import { until } from '../support/wait';

const root = modelIndex.rootOid;
const str = (s: string): string => [s.length, ...Buffer.from(s)].join('.');
const HEIGHT = (node: string): string => `${root}.1.3.1.18.${str('net0')}.${str(node)}`;
const BYTES_IN = (node: string, peer: number): string => `${root}.1.4.1.8.${str('net0')}.${str(node)}.${peer}`;
const UPTIME = '1.3.6.1.2.1.1.3.0';

function request(version: number, community: string, type: number, id: number, oids: readonly string[]): Buffer {
  const vbs = encodeVarbinds(oids.map((o) => ({ oid: parseOid(o), value: { type: 'null' as const } })));
  return encodeCommunityMessage(version, Buffer.from(community), encodePdu(type, id, 0, 0, vbs));
}

/** One request from a socket bound to from; the answer's octets, or undefined after waitMs. */
async function ask(port: number, msg: Buffer, from = '127.0.0.1', waitMs = 1000): Promise<Buffer | undefined> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, from, () => r()));
  try {
    return await new Promise<Buffer | undefined>((resolve) => {
      const t = setTimeout(() => resolve(undefined), waitMs);
      s.once('message', (m) => { clearTimeout(t); resolve(m); });
      s.send(msg, port, '127.0.0.1');
    });
  } finally {
    s.close();
  }
}

const varbindsOf = (m: Buffer): CommunityMessage['pdu'] => (decodeMessage(m) as CommunityMessage).pdu;

describe('snmp socket thread: GETs answered off the main thread', function () {
  this.timeout(60000);

  describe('the cache (pure)', () => {
    const oid: Oid = parseOid('1.3.6.1.4.1.99999.1.1.0');
    const tlv = encodeVarbinds([{ oid, value: { type: 'integer', value: 42 } }]);
    const c64 = encodeVarbinds([{ oid: parseOid('1.3.6.1.4.1.99999.1.2.0'), value: { type: 'counter64', value: 7n } }]);
    const get = (version: number, oids: string[], type: number = Tag.GetRequest, community = 'public'): Buffer => request(version, community, type, 5, oids);

    it('answers only a GetRequest whose principal and every OID it was taught, with the varbinds in request order', () => {
      const c = new GetCache(Date.now());
      c.apply({ op: 'reset', maxSize: 1472 });
      expect(c.answer(get(V2C, ['1.3.6.1.4.1.99999.1.1.0']), '127.0.0.1')).to.equal(undefined); // nothing taught
      c.apply({ op: 'put', oid: '1.3.6.1.4.1.99999.1.1.0', varbind: tlv });
      expect(c.answer(get(V2C, ['1.3.6.1.4.1.99999.1.1.0']), '127.0.0.1')).to.equal(undefined); // principal not taught
      c.apply({ op: 'allow', principal: principalKey(V2C, '127.0.0.1', Buffer.from('public')) });
      const out = c.answer(get(V2C, ['1.3.6.1.4.1.99999.1.1.0']), '127.0.0.1');
      expect(out, 'taught').to.not.equal(undefined);
      const pdu = varbindsOf(out!);
      expect(pdu.type).to.equal(Tag.Response);
      expect(pdu.requestId).to.equal(5);
      expect(pdu.varbinds.map((v) => v.value)).to.deep.equal([{ type: 'integer', value: 42 }]);
      // another source, community or version is another principal; an OID not taught sends the whole GET on
      expect(c.answer(get(V2C, ['1.3.6.1.4.1.99999.1.1.0']), '127.0.0.2')).to.equal(undefined);
      expect(c.answer(get(V2C, ['1.3.6.1.4.1.99999.1.1.0'], Tag.GetRequest, 'private'), '127.0.0.1')).to.equal(undefined);
      expect(c.answer(get(V1, ['1.3.6.1.4.1.99999.1.1.0']), '127.0.0.1')).to.equal(undefined);
      expect(c.answer(get(V2C, ['1.3.6.1.4.1.99999.1.1.0', '1.3.6.1.4.1.99999.1.3.0']), '127.0.0.1')).to.equal(undefined);
      // GETNEXT, GETBULK and SET are the main thread's
      for (const t of [Tag.GetNextRequest, Tag.GetBulkRequest, Tag.SetRequest]) expect(c.answer(get(V2C, ['1.3.6.1.4.1.99999.1.1.0'], t), '127.0.0.1')).to.equal(undefined);
    });

    it('leaves to the main thread: SNMPv1 and a Counter64, an answer over the size allowed, what does not decode; reset forgets', () => {
      const c = new GetCache(Date.now());
      c.apply({ op: 'reset', maxSize: 1472 });
      c.apply({ op: 'allow', principal: principalKey(V1, '127.0.0.1', Buffer.from('public')) });
      c.apply({ op: 'allow', principal: principalKey(V2C, '127.0.0.1', Buffer.from('public')) });
      c.apply({ op: 'put', oid: '1.3.6.1.4.1.99999.1.2.0', varbind: c64, counter64: true });
      c.apply({ op: 'put', oid: '1.3.6.1.4.1.99999.1.1.0', varbind: tlv });
      expect(c.answer(get(V1, ['1.3.6.1.4.1.99999.1.2.0']), '127.0.0.1'), 'v1 and Counter64').to.equal(undefined);
      expect(c.answer(get(V2C, ['1.3.6.1.4.1.99999.1.2.0']), '127.0.0.1'), 'v2c and Counter64').to.not.equal(undefined);
      expect(c.answer(get(V1, ['1.3.6.1.4.1.99999.1.1.0']), '127.0.0.1'), 'v1, an integer').to.not.equal(undefined);
      expect(c.answer(Buffer.from('30030201', 'hex'), '127.0.0.1')).to.equal(undefined);
      expect(c.answer(Buffer.alloc(0), '127.0.0.1')).to.equal(undefined);
      c.apply({ op: 'reset', maxSize: 40 }); // smaller than any answer: and everything is forgotten
      expect(c.size).to.equal(0);
      c.apply({ op: 'allow', principal: principalKey(V2C, '127.0.0.1', Buffer.from('public')) });
      c.apply({ op: 'put', oid: '1.3.6.1.4.1.99999.1.1.0', varbind: tlv });
      expect(c.answer(get(V2C, ['1.3.6.1.4.1.99999.1.1.0']), '127.0.0.1'), 'over maxSize').to.equal(undefined);
      c.apply({ op: 'drop', oid: '1.3.6.1.4.1.99999.1.1.0' });
      expect(c.size).to.equal(0);
    });

    it('holds at most MAX_PRINCIPALS principals', () => {
      const c = new GetCache(Date.now());
      c.apply({ op: 'reset', maxSize: 1472 });
      c.apply({ op: 'put', oid: '1.3.6.1.4.1.99999.1.1.0', varbind: tlv });
      for (let i = 0; i <= MAX_PRINCIPALS; i++) c.apply({ op: 'allow', principal: principalKey(V2C, `10.0.${i >> 8}.${i & 255}`, Buffer.from('public')) });
      expect(c.answer(get(V2C, ['1.3.6.1.4.1.99999.1.1.0']), `10.0.0.${MAX_PRINCIPALS - 1}`), 'the last one held').to.not.equal(undefined);
      expect(c.answer(get(V2C, ['1.3.6.1.4.1.99999.1.1.0']), `10.0.${MAX_PRINCIPALS >> 8}.${MAX_PRINCIPALS & 255}`), 'one more').to.equal(undefined);
    });
  });

  describe('in the agent', () => {
    let a: TestAgent;
    const elsewhere = (): number => a.view.agent.counters.answeredElsewhere();

    before(async () => {
      a = await startAgent({
        configuration: { snmpCommunities: [{ name: 'ro', community: 'public' }, { name: 'lo', community: 'lo-only', source: '127.0.0.1/32' }] },
        networks: [{ name: 'net0', platform: 'ethereum', adminState: 'locked' }],
      });
      fillTree(a.bridge.tree, 1, 3, 4);
    });
    after(async () => { await a?.stop(); });

    it('answers a repeated GET on the thread, octet for octet what the main thread answered', async () => {
      const q = request(V2C, 'public', Tag.GetRequest, 7, [HEIGHT('node1'), BYTES_IN('node1', 2)]);
      const before = elsewhere();
      const first = await ask(a.view.port, q);
      expect(first, 'the main thread answers').to.not.equal(undefined);
      expect(elsewhere()).to.equal(before);
      expect(varbindsOf(first!).varbinds.map((v) => v.value.type)).to.deep.equal(['counter64', 'counter64']);
      const second = await until('an answer from the thread', async () => { const m = await ask(a.view.port, q); return m && elsewhere() > before ? m : undefined; }, 5000);
      expect(second.equals(first!), 'the same octets').to.equal(true);
    });

    it('net-snmp snmpget sees at once a value the tree took a moment ago, and a removed row as noSuchInstance', async function () {
      requireTool(this, 'snmpget', 'snmp');
      const oid = `${MIB}::bcmNodeHeight."net0"."node2"`;
      const g = (): ReturnType<typeof snmp> => snmp('snmpget', `127.0.0.1:${a.view.port}`, ['-v2c', '-c', 'public', '-OqvU', '--', oid]);
      expect((await g()).stdout.trim()).to.equal('123458');
      const before = elsewhere();
      expect((await g()).stdout.trim()).to.equal('123458');
      expect(elsewhere(), 'the second from the thread').to.equal(before + 1);
      a.bridge.tree.set([{ cls: 'network', keys: ['net0'] }, { cls: 'node', keys: ['node2'] }], { height: 999999n });
      expect((await g()).stdout.trim()).to.equal('999999');
      expect(elsewhere(), 'from the thread, with the new value').to.equal(before + 2);
      a.bridge.tree.remove([{ cls: 'network', keys: ['net0'] }, { cls: 'node', keys: ['node2'] }]);
      const gone = await g();
      expect(gone.stdout).to.match(/No Such Instance/);
      expect(elsewhere(), 'the main thread says it').to.equal(before + 2);
    });

    it('gives pysnmp, a second client library, the same answers from the thread as from the main thread', async function () {
      requirePysnmp(this);
      const before = elsewhere();
      const r = await pysnmp<{ answers: { requestIdMatches: boolean; errorStatus: number; values: string[] }[] }>(
        ['get', '127.0.0.1', String(a.view.port), 'public', '5', HEIGHT('node0'), BYTES_IN('node0', 1), UPTIME]);
      expect(r.answers).to.have.length(5);
      for (const x of r.answers) {
        expect(x.requestIdMatches).to.equal(true);
        expect(x.errorStatus).to.equal(0);
        expect(x.values.slice(0, 2)).to.deep.equal(['123456', '1000']);
      }
      expect(elsewhere() - before, 'the last four, at least, from the thread').to.be.at.least(4);
    });

    it('answers SNMPv1 a Counter64 the thread holds for v2c with noSuchName, from the main thread', async function () {
      requireTool(this, 'snmpget', 'snmp');
      const oid = `${MIB}::bcmPeerBytesIn."net0"."node0".3`;
      const v2 = await snmp('snmpget', `127.0.0.1:${a.view.port}`, ['-v2c', '-c', 'public', '-OqvU', '--', oid]);
      expect(v2.stdout.trim()).to.equal('3000');
      const v1 = await snmp('snmpget', `127.0.0.1:${a.view.port}`, ['-v1', '-c', 'public', '-OqvU', '--', oid]);
      expect(v1.stdout + v1.stderr).to.match(/noSuchName/);
    });

    it('makes sysUpTime at each answer and counts its answers in snmpInPkts', async () => {
      const q = (id: number): Buffer => request(V2C, 'public', Tag.GetRequest, id, [UPTIME]);
      await ask(a.view.port, q(1));
      const before = elsewhere();
      const t1 = varbindsOf((await ask(a.view.port, q(2)))!).varbinds[0].value;
      await new Promise((r) => setTimeout(r, 300));
      const t2 = varbindsOf((await ask(a.view.port, q(3)))!).varbinds[0].value;
      expect(elsewhere()).to.equal(before + 2);
      expect(t1.type).to.equal('timeTicks');
      expect((t2 as { value: number }).value - (t1 as { value: number }).value).to.be.within(25, 200);
      const pkts = varbindsOf((await ask(a.view.port, request(V2C, 'public', Tag.GetRequest, 4, ['1.3.6.1.2.1.11.1.0'])))!).varbinds[0].value as { value: number };
      expect(pkts.value, 'snmpInPkts').to.be.at.least(a.view.agent.counters.inPkts + elsewhere() - 1);
      expect(elsewhere()).to.be.above(0);
    });

    it('answers a community limited to 127.0.0.1 only from there, and not at all once a commit removed it', async () => {
      const q = request(V2C, 'lo-only', Tag.GetRequest, 9, [HEIGHT('node0')]);
      expect(await ask(a.view.port, q)).to.not.equal(undefined);
      const before = elsewhere();
      expect(await ask(a.view.port, q)).to.not.equal(undefined);
      expect(elsewhere(), 'from the thread').to.equal(before + 1);
      const bad = a.view.agent.counters.inBadCommunityNames;
      expect(await ask(a.view.port, q, '127.0.0.2', 500), 'from 127.0.0.2').to.equal(undefined);
      expect(a.view.agent.counters.inBadCommunityNames, 'refused by the main thread').to.equal(bad + 1);
      const doc = a.bridge.running as { configuration?: Record<string, unknown> };
      a.bridge.commit({ ...doc, configuration: { ...doc.configuration, snmpCommunities: [{ name: 'ro', community: 'public' }] } }, { user: 'test', source: 'test' });
      expect(await ask(a.view.port, q, '127.0.0.1', 500), 'after the commit').to.equal(undefined);
      expect(a.view.agent.counters.inBadCommunityNames).to.equal(bad + 2);
      expect(elsewhere()).to.equal(before + 1);
    });

    it('answers 4 clients sending back to back from the thread, each its own answers, and sleeps after the last', async () => {
      const q = (id: number): Buffer => request(V2C, 'public', Tag.GetRequest, id, [HEIGHT('node0'), UPTIME]);
      await until('the thread answers', async () => { const b = elsewhere(); await ask(a.view.port, q(1)); return elsewhere() > b || undefined; }, 5000);
      // the process's CPU over 500 ms, a share of one core (a thread that never sleeps: 1 by itself)
      const share = async (): Promise<number> => {
        const cpu = process.cpuUsage();
        const t0 = performance.now();
        await new Promise((r) => setTimeout(r, 500));
        const used = process.cpuUsage(cpu);
        return (used.user + used.system) / 1000 / (performance.now() - t0);
      };
      const before = elsewhere();
      const PER_CLIENT = 500;
      const client = async (c: number): Promise<number> => {
        const s = dgram.createSocket('udp4');
        await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
        let matched = 0;
        try {
          for (let i = 0; i < PER_CLIENT; i++) {
            const id = 100000 * (c + 1) + i;
            const m = await new Promise<Buffer>((resolve, reject) => {
              const t = setTimeout(() => reject(new Error(`client ${c}: no answer to GET ${i}`)), 2000);
              s.once('message', (x) => { clearTimeout(t); resolve(x); });
              s.send(q(id), a.view.port, '127.0.0.1');
            });
            const p = varbindsOf(m);
            if (p.requestId === id && p.varbinds[0].value.type === 'counter64') matched++;
          }
        } finally { s.close(); }
        return matched;
      };
      expect(await Promise.all([0, 1, 2, 3].map(client)), 'answers with their own request id').to.deep.equal([PER_CLIENT, PER_CLIENT, PER_CLIENT, PER_CLIENT]);
      expect(elsewhere() - before, 'all from the thread').to.equal(4 * PER_CLIENT);
      await new Promise((r) => setTimeout(r, 50));
      expect(await share(), 'the process\'s CPU over 500 ms after the last GET').to.be.below(0.5);
    });

    it('names the socket thread\'s id in the operating system, a thread of this process other than the main one (Linux)', function () {
      if (process.platform !== 'linux') this.skip();
      const tid = a.view.agent.socketThreadId;
      expect(tid).to.be.a('number');
      expect(tid).to.not.equal(process.pid);
      expect(fs.existsSync(`/proc/${process.pid}/task/${tid}`)).to.equal(true);
    });

    it('answers on the main thread, on the same port, when the thread ends', async () => {
      const thread = (a.view.agent as unknown as { socket: { worker: { terminate(): Promise<number> } } }).socket.worker;
      await thread.terminate();
      const q = request(V2C, 'public', Tag.GetRequest, 11, [HEIGHT('node1')]);
      const m = await until('an answer after the thread ended', () => ask(a.view.port, q, '127.0.0.1', 300), 5000);
      expect(varbindsOf(m).varbinds[0].value).to.deep.equal({ type: 'counter64', value: 123457n });
      const n = a.view.agent.counters.inPkts;
      await ask(a.view.port, q);
      expect(a.view.agent.counters.inPkts, 'counted on the main thread').to.equal(n + 1);
    });
  });

  it('with BCMGMT_SNMP_THREAD=off, answers every GET on the main thread', async () => {
    process.env.BCMGMT_SNMP_THREAD = 'off';
    const a = await startAgent({ networks: [{ name: 'net0', platform: 'ethereum', adminState: 'locked' }] }).finally(() => { delete process.env.BCMGMT_SNMP_THREAD; });
    try {
      fillTree(a.bridge.tree, 1, 2, 1);
      const q = request(V2C, 'public', Tag.GetRequest, 3, [HEIGHT('node1')]);
      const n = a.view.agent.counters.inPkts;
      for (let i = 0; i < 3; i++) expect(await ask(a.view.port, q)).to.not.equal(undefined);
      expect(a.view.agent.counters.inPkts).to.equal(n + 3);
      expect(a.view.agent.counters.answeredElsewhere()).to.equal(0);
      expect(a.view.agent.socketThreadId, 'no socket thread').to.equal(undefined);
    } finally {
      await a.stop();
    }
  });
});
