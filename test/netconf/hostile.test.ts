/**
 * Hostile and broken input over SSH (raw bytes on the netconf subsystem) and HTTP: each gets an rpc-error or
 * a closed session, never a crash; the server goes on serving. Also the session, size and idle bounds.
 */
import { expect } from 'chai';
import { utils } from 'ssh2';
import { ADMIN, BCM, EOM, RawNetconf, READER, chunk, httpRequest, rpc, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';
import { until } from '../support/wait';

const XXE = `<?xml version="1.0"?><!DOCTYPE rpc [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get><filter><x>&xxe;</x></filter></get></rpc>`;
const LAUGHS = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
  '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' +
  '<rpc message-id="2" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get><filter>&lol3;</filter></get></rpc>';

describe('NETCONF under hostile input', function () {
  this.timeout(60_000);
  let nb: NetconfBridge;
  before(async () => {
    nb = await startNetconfBridge({
      configuration: { maxSessions: 4, maxRequestSize: 65536 },
      networks: [{ name: 'dev', platform: 'ethereum', nodes: [{ name: 'n1', endpoint: 'http://127.0.0.1:9' }] }],
    });
  });
  after(async () => { await nb?.cleanup(); });

  async function session(base11 = true): Promise<RawNetconf> {
    const s = await RawNetconf.connect(nb.sshPort, ADMIN);
    await s.waitFor(/<\/hello>\]\]>\]\]>/);
    s.hello(base11);
    return s;
  }
  const stillServes = async (): Promise<void> => {
    const s = await session();
    s.write(chunk(rpc('alive', '<get-config><source><running/></source></get-config>')));
    await s.waitFor(/message-id="alive"[^]*<name>dev<\/name>[^]*\n##\n/);
    s.close();
  };

  it('XXE and billion laughs get malformed-message; the session goes on', async () => {
    const s = await session();
    s.write(chunk(XXE));
    await s.waitFor(/<error-tag>malformed-message<\/error-tag>[^]*document type declaration/);
    s.write(chunk(LAUGHS));
    await s.waitFor(/(<error-tag>malformed-message<\/error-tag>[^]*){2}/);
    expect(s.received).not.to.include('root:');
    s.write(chunk(rpc(3, '<get-config><source><running/></source></get-config>')));
    await s.waitFor(/message-id="3"[^]*<name>dev<\/name>/);
    s.close();
  });

  it('a base:1.0 session gets operation-failed for bad XML (malformed-message is base:1.1 only)', async () => {
    const s = await session(false);
    s.write(`<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get></rpc>${EOM}`);
    await s.waitFor(/<error-tag>operation-failed<\/error-tag>[^]*not well-formed/);
    s.write(`${rpc(2, '<get-config><source><running/></source></get-config>')}${EOM}`);
    await s.waitFor(/message-id="2"[^]*<\/rpc-reply>\]\]>\]\]>/);
    s.close();
  });

  it('protocol errors: no message-id, unknown operation, unknown namespace, two operations', async () => {
    const s = await session();
    s.write(chunk('<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get/></rpc>'));
    await s.waitFor(/<error-tag>missing-attribute<\/error-tag>[^]*<bad-attribute>message-id<\/bad-attribute><bad-element>rpc<\/bad-element>/);
    s.write(chunk(rpc(5, '<frobnicate/>')));
    await s.waitFor(/message-id="5"><rpc-error><error-type>protocol<\/error-type><error-tag>unknown-element<\/error-tag>[^]*<bad-element>frobnicate<\/bad-element>/);
    s.write(chunk(rpc(6, '<x:get xmlns:x="urn:nowhere"/>')));
    await s.waitFor(/message-id="6"><rpc-error>[^]*<error-tag>unknown-namespace<\/error-tag>/);
    s.write(chunk(rpc(7, '<get/><get/>')));
    await s.waitFor(/message-id="7"><rpc-error>[^]*<error-tag>bad-element<\/error-tag>/);
    s.write(chunk(rpc(8, `<get><filter type="xpath" select="/bcm:x[" xmlns:bcm="${BCM}"/></get>`)));
    await s.waitFor(/message-id="8"><rpc-error>[^]*<error-tag>invalid-value<\/error-tag>/);
    s.close();
  });

  it('wrong chunk sizes and broken framing end the session after a malformed-message', async () => {
    for (const bad of ['\n#abc\n<rpc/>\n##\n', '\n#0\n\n##\n', 'no framing at all\n', '\n#012\n<rpc/>\n##\n']) {
      const s = await session();
      s.write(bad);
      await s.waitFor(/<error-tag>malformed-message<\/error-tag>/);
      expect(await s.waitClosed(), JSON.stringify(bad)).to.equal(true);
    }
    await stillServes();
  });

  it('a chunk that lies about its size gives malformed XML, not a hang; truncated frames are dropped with the session', async () => {
    const s = await session();
    s.write('\n#10\n<rpc message-id="1"');
    s.write(' xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get/></rpc>\n##\n'); // the chunk is shorter than the message
    await s.waitFor(/<error-tag>malformed-message<\/error-tag>/);
    s.close();
    const t = await session();
    t.write('\n#500\n<rpc message-id="9" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'); // never completed
    await new Promise((r) => setTimeout(r, 200));
    t.close();
    await until('the truncated session is gone', () => [...nb.view.rpc.sessions.values()].every((x) => x.transport !== 'ssh'));
    await stillServes();
  });

  it('a hello that is not one, or carries a session-id, closes the session', async () => {
    for (const first of [`${rpc(1, '<get/>')}${EOM}`, `<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities><session-id>4</session-id></hello>${EOM}`,
      `<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:x</capability></capabilities></hello>${EOM}`, `<!DOCTYPE x []><hello/>${EOM}`]) {
      const s = await RawNetconf.connect(nb.sshPort, ADMIN);
      await s.waitFor(/<\/hello>\]\]>\]\]>/);
      s.write(first);
      expect(await s.waitClosed(), first).to.equal(true);
    }
  });

  it('a request over maxRequestSize is too-big and ends the session (SSH); 50 MB over HTTP is refused with 413', async () => {
    const s = await session();
    s.write(`\n#${200000}\n`);
    s.write(Buffer.alloc(200000, 'a'));
    await s.waitFor(/<error-tag>too-big<\/error-tag>/);
    expect(await s.waitClosed()).to.equal(true);
    const big = Buffer.alloc(50 * 1024 * 1024, 'a');
    let status = 0;
    try {
      status = (await httpRequest(nb.httpPort, { user: ADMIN, body: big })).status;
    } catch (e) {
      expect(String(e)).to.match(/ECONNRESET|EPIPE|socket hang up/); // refused while still sending: closed, which is fine too
    }
    if (status) expect(status).to.equal(413);
    let chunked = 0;
    try {
      chunked = (await httpRequest(nb.httpPort, { user: ADMIN, stream: (req) => { req.setHeader('Content-Type', 'application/xml'); for (let i = 0; i < 10; i++) req.write(Buffer.alloc(1 << 20, 'b')); req.end(); } })).status;
    } catch (e) {
      expect(String(e)).to.match(/ECONNRESET|EPIPE|socket hang up/);
    }
    if (chunked) expect(chunked).to.equal(413);
    await stillServes();
  });

  it('a read-only user\'s edit gets access-denied', async () => {
    const s = await RawNetconf.connect(nb.sshPort, READER);
    await s.waitFor(/<\/hello>\]\]>\]\]>/);
    s.hello(true);
    s.write(chunk(rpc(1, `<edit-config><target><running/></target><config><managed-system xmlns="${BCM}"><network><name>dev</name><description>x</description></network></managed-system></config></edit-config>`)));
    await s.waitFor(/<error-tag>access-denied<\/error-tag>/);
    s.write(chunk(rpc(2, '<kill-session><session-id>1</session-id></kill-session>')));
    await s.waitFor(/message-id="2"><rpc-error>[^]*<error-tag>access-denied<\/error-tag>/);
    s.close();
    expect(JSON.stringify(nb.bridge.running)).not.to.include('"description":"x"');
  });

  it('public key authentication with the user\'s configured keys; other keys are refused', async () => {
    const good = utils.generateKeyPairSync('ed25519');
    const other = utils.generateKeyPairSync('ecdsa', { bits: 256 });
    const s0 = await session();
    s0.write(chunk(rpc(1, `<edit-config><target><running/></target><config><managed-system xmlns="${BCM}"><configuration><management-user><name>keyed</name>` +
      `<public-key>${good.public} keyed@test</public-key><role>read-only</role></management-user></configuration></managed-system></config></edit-config>`)));
    await s0.waitFor(/message-id="1"><ok\/>/);
    s0.close();
    const s = await RawNetconf.connect(nb.sshPort, { name: 'keyed', privateKey: good.private });
    await s.waitFor(/<\/hello>\]\]>\]\]>/);
    s.hello(true);
    s.write(chunk(rpc(2, '<lock><target><running/></target></lock>')));
    await s.waitFor(/message-id="2"><rpc-error>[^]*<error-tag>access-denied<\/error-tag>/); // read-only
    s.close();
    let refused = false;
    try { await RawNetconf.connect(nb.sshPort, { name: 'keyed', privateKey: other.private }); } catch { refused = true; }
    expect(refused).to.equal(true);
  });

  it('wrong passwords are refused; sessions beyond maxSessions are refused; kill-session ends another session', async () => {
    let refused = false;
    try { await RawNetconf.connect(nb.sshPort, { name: ADMIN.name, password: 'wrong' }); } catch { refused = true; }
    expect(refused).to.equal(true);
    const open: RawNetconf[] = [];
    for (let i = 0; i < 4; i++) open.push(await session());
    // the fifth: its subsystem request is refused (or, were it accepted, the session would end without a hello)
    const fifth = await RawNetconf.connect(nb.sshPort, ADMIN).then((c) => c, (e: Error) => e);
    if (fifth instanceof Error) expect(fifth.message).to.match(/subsystem/i);
    else {
      expect(await fifth.waitClosed(5000), 'a fifth session stays open').to.equal(true);
      expect(fifth.received).not.to.include('<hello');
    }
    expect(nb.view.rpc.sessionCount('ssh')).to.equal(4);
    const victim = /<session-id>(\d+)<\/session-id>/.exec(open[1].received)![1];
    open[0].write(chunk(rpc(1, `<kill-session><session-id>${victim}</session-id></kill-session>`)));
    await open[0].waitFor(/message-id="1"><ok\/>/);
    expect(await open[1].waitClosed()).to.equal(true);
    for (const s of open) s.close();
    await until('sessions closed', () => nb.view.rpc.sessionCount('ssh') === 0);
  });

  it('idle sessions are closed after idleTimeout', async () => {
    const cfg = `<config><managed-system xmlns="${BCM}"><configuration><idle-timeout>1</idle-timeout></configuration></managed-system></config>`;
    const s = await session();
    s.write(chunk(rpc(1, `<edit-config><target><running/></target>${cfg}</edit-config>`)));
    await s.waitFor(/message-id="1"><ok\/>/);
    const t0 = Date.now();
    expect(await s.waitClosed(6000)).to.equal(true);
    expect(Date.now() - t0).to.be.within(500, 6000);
    const back = await session();
    back.write(chunk(rpc(2, `<edit-config><target><running/></target><config><managed-system xmlns="${BCM}"><configuration><idle-timeout xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="remove"/></configuration></managed-system></config></edit-config>`)));
    await back.waitFor(/message-id="2"><ok\/>/);
    back.close();
  });
});
