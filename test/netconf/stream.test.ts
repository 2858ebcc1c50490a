/**
 * The unfiltered <get> and <get-config> are streamed (Handled.stream): /managed-system written straight from the
 * instance tree and the configuration, in chunks, to the transport as it takes them. The text is byte for byte
 * what the DNode path writes (nodesToXml of getNodes / managedSystemNode) on a filled tree with configuration,
 * state, a configuration-only network, alarms and users (whose passwords are never rendered), in every
 * with-defaults mode; over SSH (end-of-message and chunked framing, several chunks) and HTTP the reply is the
 * same; a notification raised while a reply is streamed is sent after it, never inside it.
 */
import { expect } from 'chai';
import type { ConfigObject } from '../../src/config/document';
import { nodesToXml } from '../../src/netconf/data';
import { FrameDecoder } from '../../src/netconf/framing';
import { NC_NS } from '../../src/netconf/namespaces';
import type { WithDefaultsMode } from '../../src/netconf/params';
import { managedSystemNode } from '../../src/netconf/render';
import { replyOpen } from '../../src/netconf/reply';
import type { Session } from '../../src/netconf/server';
import { replyText } from '../../src/netconf/session';
import { parseXml } from '../../src/netconf/xml';
import { CHUNK_BYTES, XmlChunks, chunksOf } from '../../src/netconf/xml-chunks';
import * as http from 'node:http';
import { ADMIN, BCM, EOM, RawNetconf, basicAuth, chunk, fillSynthetic, httpRequest, rpc, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';

const NCWD = 'urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults';
const MODES: readonly WithDefaultsMode[] = ['explicit', 'report-all', 'trim'];
const NODES = 300;

function seed(): ConfigObject {
  return {
    networks: [
      { name: 'net0', platform: 'ethereum', adminState: 'locked', pollInterval: 5, description: 'a <synthetic> & "quoted" network',
        nodes: Array.from({ length: NODES }, (_, i) => ({ name: `node${i}`, endpoint: `http://127.0.0.1:${10000 + i}`, ...(i % 7 ? {} : { role: 'archive' }) })) },
      { name: 'cfgonly', platform: 'bitcoin', adminState: 'locked', description: 'not collected yet' },
    ],
  };
}

/** The <managed-system> element of a reply. */
function managedSystemOf(reply: string): string {
  const a = reply.indexOf('<managed-system');
  const b = reply.indexOf('</managed-system>');
  expect(a, reply.slice(0, 500)).to.be.greaterThan(-1);
  return reply.slice(a, b);
}

describe('NETCONF <get> and <get-config> streamed from the tree', function () {
  this.timeout(120_000);
  let nb: NetconfBridge;
  let session: Session;

  before(async () => {
    nb = await startNetconfBridge(seed());
    fillSynthetic(nb.bridge.tree, 1, NODES, 20);
    const t = Date.parse('2026-11-25T12:00:00Z');
    const ap = [{ cls: 'fault' }, { cls: 'alarm', keys: [7] }];
    nb.bridge.tree.set([{ cls: 'fault' }], { activeAlarms: 1, alarmListLastChanged: t });
    nb.bridge.tree.set(ap, { resource: 'network/net0/node/node1', type: 'nodeUnreachable', typeQualifier: '', timeCreated: t, isCleared: false, lastRaised: t, lastChanged: t,
      perceivedSeverity: 'major', alarmText: 'node1 <down>', eventType: 'communicationsAlarm', probableCause: 306, specificProblem: 'RPC endpoint does not answer', operatorState: 'none' });
    nb.bridge.tree.set([...ap, { cls: 'alarmStatusChange', keys: [1] }], { time: t, perceivedSeverity: 'major', alarmText: 'node1 <down>' });
    session = nb.view.rpc.openSession({ name: 'admin', role: 'admin', publicKeys: [] }, 'ssh', '127.0.0.1', { send: () => undefined, close: () => undefined });
  });
  after(async () => {
    if (session) nb.view.rpc.closeSession(session, 'test done');
    await nb?.cleanup();
  });

  const wd = (mode: WithDefaultsMode): string => `<with-defaults xmlns="${NCWD}">${mode}</with-defaults>`;

  it('the streamed <get> is byte for byte the DNode path\'s reply, in every with-defaults mode, in several chunks', async () => {
    for (const mode of MODES) {
      const msg = rpc(`g-${mode}`, `<get>${wd(mode)}</get>`);
      const h = await nb.view.rpc.handleMessage(session, msg);
      expect(h.stream, 'an unfiltered <get> is streamed').not.to.equal(undefined);
      const chunks: Buffer[] = [];
      for await (const c of h.stream!) chunks.push(c);
      const streamed = Buffer.concat(chunks).toString('utf8');
      // the expected reply, written by the DNode path now (nothing changed in between: no collector polls these networks)
      const expected = `${replyOpen(parseXml(msg))}<data>${nodesToXml(nb.view.rpc.getNodes(undefined, mode), NC_NS)}</data></rpc-reply>`;
      expect(streamed.length, mode).to.equal(expected.length);
      expect(streamed === expected, `${mode}: streamed reply differs from the DNode path's`).to.equal(true);
      expect(chunks.length, `${mode}: chunks of a ${streamed.length}-character reply`).to.be.greaterThan(10);
      expect(streamed).to.include('<name>node299</name>').and.include('<name>cfgonly</name>').and.include('<alarm-text>node1 &lt;down&gt;</alarm-text>')
        .and.include('a &lt;synthetic&gt; &amp; "quoted" network').and.include('<management-user><name>admin</name>');
      expect(streamed, 'passwords are never rendered').not.to.match(/scrypt\$|<password>/);
    }
  });

  it('the streamed <get-config> is byte for byte the DNode path\'s, in every with-defaults mode', async () => {
    for (const mode of MODES) {
      const msg = rpc(`c-${mode}`, `<get-config><source><running/></source>${wd(mode)}</get-config>`);
      const h = await nb.view.rpc.handleMessage(session, msg);
      expect(h.stream, 'an unfiltered <get-config> is streamed').not.to.equal(undefined);
      const streamed = await replyText(h);
      const nodes = [managedSystemNode(undefined, nb.bridge.datastore.read('running'), { state: false, withDefaults: mode })].filter((n) => n.children?.length);
      expect(streamed === `${replyOpen(parseXml(msg))}<data>${nodesToXml(nodes, NC_NS)}</data></rpc-reply>`, `${mode}: streamed get-config differs`).to.equal(true);
      expect(streamed).not.to.match(/<peer>|oper-state|scrypt\$|<password>/);
    }
    // an empty datastore: no managed-system at all, as before
    expect(await replyText(await nb.view.rpc.handleMessage(session, rpc('d', '<delete-config><target><startup/></target></delete-config>')))).to.include('<ok/>');
    const empty = await replyText(await nb.view.rpc.handleMessage(session, rpc('e', '<get-config><source><startup/></source></get-config>')));
    expect(empty).to.match(/message-id="e"[^>]*><data><\/data><\/rpc-reply>$/);
  });

  it('a filtered <get> keeps the built path (one reply string)', async () => {
    const h = await nb.view.rpc.handleMessage(session, rpc('f', `<get><filter type="subtree"><managed-system xmlns="${BCM}"><network><name>cfgonly</name></network></managed-system></filter></get>`));
    expect(h.stream).to.equal(undefined);
    expect(h.reply).to.include('<name>cfgonly</name>').and.not.include('<name>node1</name>');
  });

  it('over SSH (end-of-message and chunked framing) and HTTP the reply carries the same data', async () => {
    const inProcess = managedSystemOf((await replyText(await nb.view.rpc.handleMessage(session, rpc('x', '<get/>'))))!);
    const http = await httpRequest(nb.httpPort, { user: ADMIN, body: rpc('h', '<get/>') });
    expect(http.status).to.equal(200);
    expect(http.headers['content-type']).to.equal('application/xml; charset=utf-8');
    expect(http.body.startsWith('<?xml version="1.0" encoding="UTF-8"?><rpc-reply')).to.equal(true);
    expect(http.body.endsWith('</data></rpc-reply>')).to.equal(true);
    expect(managedSystemOf(http.body) === inProcess, 'HTTP reply').to.equal(true);

    for (const base11 of [false, true]) {
      const c = await RawNetconf.connect(nb.sshPort, ADMIN);
      try {
        await c.waitFor(/<\/hello>\]\]>\]\]>/);
        const helloEnd = c.received.indexOf(EOM) + EOM.length;
        c.hello(base11);
        const get = rpc('s', '<get/>');
        c.write(base11 ? chunk(get) : `${get}${EOM}`);
        await c.waitFor(base11 ? /<\/rpc-reply>\n##\n$/ : /<\/rpc-reply>\]\]>\]\]>$/, 60_000);
        const raw = c.received.slice(helloEnd);
        const dec = new FrameDecoder(1 << 30);
        dec.mode = base11 ? 'chunked' : 'eom';
        dec.push(Buffer.from(raw, 'utf8'));
        const reply = dec.next()!.toString('utf8');
        expect(dec.next()).to.equal(undefined);
        expect(reply.startsWith('<rpc-reply') && reply.endsWith('</data></rpc-reply>'), reply.slice(-200)).to.equal(true);
        expect(managedSystemOf(reply) === inProcess, `SSH base:1.${base11 ? 1 : 0} reply`).to.equal(true);
        if (base11) expect(raw.match(/\n#[0-9]+\n/g)?.length ?? 0, 'chunks of the streamed reply').to.be.greaterThan(10);
      } finally {
        c.close();
      }
    }
  });

  it('replies streamed at once to clients that read slowly and quickly (SSH both framings, HTTP) each carry their own data whole', async () => {
    // the chunks are lent to the transport and their buffers reused once sent (xml-chunks.ts giveBack): a buffer
    // reused while a client that does not read still has it waiting in its SSH channel would show in one of the replies
    const inProcess = managedSystemOf((await replyText(await nb.view.rpc.handleMessage(session, rpc('x', '<get/>'))))!);
    expect(inProcess.length, 'a reply larger than the SSH window of the client (2 MB)').to.be.greaterThan(2 << 20);
    const startSsh = async (base11: boolean, id: string): Promise<{ c: RawNetconf; helloEnd: number }> => {
      const c = await RawNetconf.connect(nb.sshPort, ADMIN);
      await c.waitFor(/<\/hello>\]\]>\]\]>/);
      const helloEnd = c.received.indexOf(EOM) + EOM.length;
      c.hello(base11);
      const get = rpc(id, '<get/>');
      c.write(base11 ? chunk(get) : `${get}${EOM}`);
      return { c, helloEnd };
    };
    const endSsh = async (s: { c: RawNetconf; helloEnd: number }, base11: boolean): Promise<string> => {
      try {
        await s.c.waitFor(base11 ? /<\/rpc-reply>\n##\n$/ : /<\/rpc-reply>\]\]>\]\]>$/, 60_000);
        const dec = new FrameDecoder(1 << 30);
        dec.mode = base11 ? 'chunked' : 'eom';
        dec.push(Buffer.from(s.c.received.slice(s.helloEnd), 'utf8'));
        return dec.next()!.toString('utf8');
      } finally {
        s.c.close();
      }
    };
    const httpGet = async (id: string): Promise<string> => {
      const r = await httpRequest(nb.httpPort, { user: ADMIN, body: rpc(id, '<get/>') });
      expect(r.status).to.equal(200);
      return r.body;
    };
    /** An HTTP <get> whose response is not read until the returned function is called (the server's socket holds the rest). */
    const slowHttp = (id: string): Promise<() => Promise<string>> => new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: nb.httpPort, method: 'POST', path: '/netconf', agent: false,
        headers: { 'Content-Type': 'application/xml', Authorization: basicAuth(ADMIN) } }, (res) => {
        const parts: Buffer[] = [];
        res.once('data', (d: Buffer) => {
          parts.push(d);
          res.pause();
          resolve(() => new Promise<string>((done, fail) => {
            res.on('data', (x: Buffer) => parts.push(x));
            res.on('end', () => done(Buffer.concat(parts).toString('utf8')));
            res.on('error', fail);
            res.resume();
          }));
        });
      });
      req.on('error', reject);
      req.end(rpc(id, '<get/>'));
    });
    for (let round = 0; round < 2; round++) {
      // clients that read the first bytes, then nothing: the server fills their SSH windows (or the socket) and holds the rest
      const slow = await Promise.all([true, false].map(async (base11) => {
        const s = await startSsh(base11, `slow-${base11 ? 11 : 10}-${round}`);
        await s.c.waitFor(/message-id="slow/, 60_000);
        s.c.pause();
        return s;
      }));
      const slowHttpRest = await slowHttp(`slow-http-${round}`);
      await new Promise((r) => setTimeout(r, 500));
      // meanwhile, replies to clients that read at once
      const fast = await Promise.all([endSsh(await startSsh(true, `fast11-${round}`), true), endSsh(await startSsh(false, `fast10-${round}`), false),
        httpGet(`http1-${round}`), httpGet(`http2-${round}`)]);
      for (const s of slow) s.c.resume();
      const replies = [...await Promise.all([endSsh(slow[0], true), endSsh(slow[1], false), slowHttpRest()]), ...fast];
      for (const [i, reply] of replies.entries()) {
        expect(reply.endsWith('</data></rpc-reply>'), `reply ${i}: ${reply.slice(-200)}`).to.equal(true);
        expect(reply.match(/<rpc-reply/g), `reply ${i}`).to.have.length(1);
        expect(managedSystemOf(reply) === inProcess, `reply ${i} of round ${round} is the tree's data`).to.equal(true);
      }
    }
  });

  it('a notification raised while a reply is streamed is sent after the reply, never inside it', async () => {
    const c = await RawNetconf.connect(nb.sshPort, ADMIN);
    try {
      await c.waitFor(/<\/hello>\]\]>\]\]>/);
      const helloEnd = c.received.indexOf(EOM) + EOM.length;
      c.hello(true);
      c.write(chunk(rpc('sub', '<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"/>')));
      await c.waitFor(/<ok\/><\/rpc-reply>\n##\n/);
      c.write(chunk(rpc('big', '<get/>')));
      // events raised on every turn of the event loop until the reply has ended
      let raised = 0;
      let on = true;
      const raise = (): void => {
        if (!on) return;
        raised++;
        nb.bridge.emit('event', { name: 'newBlock', params: { network: 'net0', ledger: 'main', height: BigInt(raised), hash: `0x${raised.toString(16).padStart(64, '0')}`, time: Date.now(), txCount: 1 }, time: Date.now() });
        setImmediate(raise);
      };
      setImmediate(raise);
      await c.waitFor(/<\/data><\/rpc-reply>\n##\n/, 60_000);
      on = false;
      const sentBefore = raised;
      await c.waitFor(new RegExp(`<height>${sentBefore}</height>`), 20_000);
      const dec = new FrameDecoder(1 << 30);
      dec.mode = 'chunked';
      dec.push(Buffer.from(c.received.slice(helloEnd), 'utf8'));
      const kinds: string[] = [];
      for (let m = dec.next(); m; m = dec.next()) {
        const text = m.toString('utf8');
        if (text.includes('message-id="big"')) {
          expect(text.endsWith('</data></rpc-reply>') && !text.includes('<notification'), 'the streamed reply is whole').to.equal(true);
          kinds.push('reply');
        } else if (text.startsWith('<notification')) {
          expect(text.endsWith('</notification>'), text.slice(0, 300)).to.equal(true);
          kinds.push('notification');
        } else kinds.push('other');
      }
      expect(raised, 'events raised while the reply was streamed').to.be.greaterThan(1);
      expect(kinds.filter((k) => k === 'reply')).to.have.length(1);
      expect(kinds.filter((k) => k === 'notification').length).to.equal(raised);
    } finally {
      c.close();
    }
  });

  it('a consumer that stops pulling stops the producer: nothing is written beyond the chunk it pulled', async () => {
    const w = new XmlChunks();
    let steps = 0;
    function* writes(): Generator<void, void, void> {
      for (let i = 0; i < 100_000; i++) { w.write(`<x>${i}</x>`); steps++; yield; }
    }
    const it = chunksOf(writes(), w)[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).to.equal(false);
    expect((first.value as Buffer).length).to.be.at.least(CHUNK_BYTES);
    const at = steps;
    await it.return(undefined);
    await new Promise((r) => setImmediate(r));
    expect(steps, 'steps run after return()').to.equal(at);
    expect(at).to.be.lessThan(100_000);
  });

  it('a client that goes away in the middle of a streamed reply ends its session (SSH and HTTP)', async () => {
    const open = (): number => nb.view.rpc.sessions.size;
    const before = open();
    const c = await RawNetconf.connect(nb.sshPort, ADMIN);
    await c.waitFor(/<\/hello>\]\]>\]\]>/);
    c.hello(true);
    c.write(chunk(rpc('gone', '<get/>')));
    await c.waitFor(/message-id="gone"/, 60_000);
    c.close();
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: nb.httpPort, method: 'POST', path: '/netconf', agent: false,
        headers: { 'Content-Type': 'application/xml', Authorization: basicAuth(ADMIN) } }, (res) => {
        res.once('data', () => { req.destroy(); resolve(); });
      });
      req.on('error', (e: Error) => { if (!req.destroyed) reject(e); });
      req.end(rpc('gone-http', '<get/>'));
    });
    const until = Date.now() + 10_000;
    while (open() > before && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(open(), 'sessions left open').to.equal(before);
    // the server still answers
    const r = await httpRequest(nb.httpPort, { user: ADMIN, body: rpc('after', '<get-config><source><running/></source></get-config>') });
    expect(r.status).to.equal(200);
    expect(r.body.endsWith('</data></rpc-reply>')).to.equal(true);
  });

  it('rpcs sent together get their replies in order, a streamed one whole before the next (SSH)', async () => {
    const c = await RawNetconf.connect(nb.sshPort, ADMIN);
    try {
      await c.waitFor(/<\/hello>\]\]>\]\]>/);
      const helloEnd = c.received.indexOf(EOM) + EOM.length;
      c.hello(true);
      c.write(chunk(rpc('p1', '<get/>')) + chunk(rpc('p2', '<get-config><source><running/></source></get-config>')) + chunk(rpc('p3', '<get/>')) +
        chunk(rpc('p4', `<get><filter type="subtree"><managed-system xmlns="${BCM}"><network><name>cfgonly</name></network></managed-system></filter></get>`)));
      await c.waitFor(/message-id="p4"[\s\S]*<\/rpc-reply>\n##\n$/, 60_000);
      const dec = new FrameDecoder(1 << 30);
      dec.mode = 'chunked';
      dec.push(Buffer.from(c.received.slice(helloEnd), 'utf8'));
      const ids: string[] = [];
      for (let m = dec.next(); m; m = dec.next()) {
        const text = m.toString('utf8');
        expect(text.endsWith('</rpc-reply>'), text.slice(-200)).to.equal(true);
        expect(text.match(/<rpc-reply/g)).to.have.length(1);
        ids.push(/message-id="([^"]+)"/.exec(text)![1]);
      }
      expect(ids).to.deep.equal(['p1', 'p2', 'p3', 'p4']);
    } finally {
      c.close();
    }
  });
});
