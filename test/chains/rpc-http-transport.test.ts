/**
 * RpcHttpClient's own HTTP/1.1 transport (src/chains/http-pool.ts) against real servers: node:http
 * answering chunked, a bare TCP server answering HTTP/1.0 framed by the connection's end, a server that
 * announces a short Keep-Alive timeout, servers that break HTTP, send too much or close before answering,
 * and HTTPS with a certificate made by openssl, trusted or not.
 */
import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { MalformedResponseError, TransportError } from '../../src/chains/errors';
import { StaleSocketError } from '../../src/chains/http-pool';
import { RpcHttpClient } from '../../src/chains/rpc-http';
import { requireTool } from '../support/tools';

type Handler = (req: { id: number; method: string; params: unknown[] }, res: http.ServerResponse) => void;

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** A node:http JSON-RPC server whose handler writes each answer as it likes. */
async function jsonServer(handle: Handler, keepAliveTimeout = 5000): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number; method: string; params: unknown[] }, res));
  });
  server.keepAliveTimeout = keepAliveTimeout;
  return { url: `http://127.0.0.1:${await listen(server)}`, server };
}

function closeHttp(server: http.Server | https.Server): Promise<void> {
  return new Promise((r) => { server.closeAllConnections(); server.close(() => r()); });
}

/** A bare TCP server: answer(request text) is written back, then the connection is closed when close says so. */
async function tcpServer(answer: (request: string) => string, close: boolean): Promise<{ url: string; server: net.Server; connections: () => number }> {
  let connections = 0;
  const server = net.createServer((s) => {
    connections++;
    let buf = '';
    s.on('error', () => undefined);
    s.on('data', (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      const len = /content-length: (\d+)/i.exec(buf);
      if (end < 0 || !len || buf.length < end + 4 + Number(len[1])) return;
      const request = buf;
      buf = '';
      s.write(answer(request));
      if (close) s.end();
    });
  });
  return { url: `http://127.0.0.1:${await listen(server)}`, server, connections: () => connections };
}

function closeTcp(server: net.Server): Promise<void> {
  return new Promise((r) => server.close(() => r()));
}

/** Runs a Node.js script in a child process: its exit code and standard output. */
function run(script: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['-e', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.on('exit', (code) => resolve({ code, out }));
  });
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try { await p; } catch (e) { return e as Error; }
  throw new Error('resolved');
}

describe('RpcHttpClient transport', function () {
  this.timeout(20000);

  it('reads chunked answers and keeps one connection across calls', async () => {
    const { url, server } = await jsonServer((q, res) => {
      res.setHeader('content-type', 'application/json');
      const text = JSON.stringify({ jsonrpc: '2.0', id: q.id, result: { method: q.method, pad: 'x'.repeat(40000) } });
      res.write(text.slice(0, 7)); // no Content-Length: node:http sends chunks
      setTimeout(() => res.end(text.slice(7)), 5);
    });
    const c = new RpcHttpClient({ url, timeoutMs: 2000, jsonrpc: '2.0' });
    try {
      for (const m of ['a', 'b', 'c']) expect(await c.call<{ method: string }>(m)).to.deep.include({ method: m });
      expect(c.stats).to.include({ requests: 3, connections: 1, errors: 0 });
      expect(c.stats.bytesIn).to.be.greaterThan(3 * 40000);
    } finally { c.close(); await closeHttp(server); }
  });

  it('reads answers of many reads on four connections at once, each intact (the connections share one read buffer)', async () => {
    // each answer about 300 KB, written in 16 KB pieces a few ms apart, so the four connections' reads interleave
    const body = (id: number): string => `${id}:`.padEnd(300_000, String.fromCharCode(97 + (id % 26)));
    const { url, server } = await jsonServer((q, res) => {
      const text = JSON.stringify({ jsonrpc: '2.0', id: q.id, result: body(Number(q.params[0])) });
      res.setHeader('content-type', 'application/json');
      res.setHeader('content-length', Buffer.byteLength(text));
      let at = 0;
      const next = (): void => {
        res.write(text.slice(at, at + 16384));
        at += 16384;
        if (at < text.length) setTimeout(next, 1 + (q.id % 3));
        else res.end();
      };
      next();
    });
    const c = new RpcHttpClient({ url, timeoutMs: 10000, jsonrpc: '2.0', maxSockets: 4 });
    try {
      const ids = Array.from({ length: 12 }, (_, i) => i);
      const got = await Promise.all(ids.map((i) => c.call<string>('big', [i])));
      for (const i of ids) expect(got[i] === body(i), `answer ${i}`).to.equal(true);
      expect(c.stats).to.include({ connections: 4, errors: 0 });
    } finally { c.close(); await closeHttp(server); }
  });

  it('reads HTTP/1.0 answers framed by the end of the connection, a connection per request', async () => {
    const s = await tcpServer((req) => {
      const id = /"id":(\d+)/.exec(req)![1];
      return `HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{"jsonrpc":"2.0","id":${id},"result":"ok"}`;
    }, true);
    const c = new RpcHttpClient({ url: s.url, timeoutMs: 2000, jsonrpc: '2.0' });
    try {
      expect(await c.call('x')).to.equal('ok');
      expect(await c.call('y')).to.equal('ok');
      expect(s.connections()).to.equal(2);
      expect(c.stats).to.include({ requests: 2, connections: 2, disconnections: 2, errors: 0 });
    } finally { c.close(); await closeTcp(s.server); }
  });

  it('closes an idle connection before the Keep-Alive timeout the node announced: no failed call after it', async () => {
    const { url, server } = await jsonServer((q, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jsonrpc: '2.0', id: q.id, result: q.method }));
    }, 1000); // node:http announces "Keep-Alive: timeout=1" and closes after 1 s idle
    const c = new RpcHttpClient({ url, timeoutMs: 2000, jsonrpc: '2.0' });
    try {
      expect(await c.call('a')).to.equal('a');
      expect(await c.call('b')).to.equal('b');
      expect(c.stats).to.include({ connections: 1, disconnections: 0 });
      await new Promise((r) => setTimeout(r, 700));
      expect(c.stats.disconnections).to.equal(1); // closed by the client at 0.5 s, before the node's 1 s
      expect(await c.call('c')).to.equal('c');
      expect(c.stats).to.include({ requests: 3, connections: 2, errors: 0 });
    } finally { c.close(); await closeHttp(server); }
  });

  it('fails a response over maxResponseBytes, and the next call works on a new connection', async () => {
    const { url, server } = await jsonServer((q, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jsonrpc: '2.0', id: q.id, result: q.method === 'big' ? 'x'.repeat(5000) : 'small' }));
    });
    const c = new RpcHttpClient({ url, timeoutMs: 2000, jsonrpc: '2.0', maxResponseBytes: 1000 });
    try {
      const e = await rejection(c.call('big'));
      expect(e).to.be.instanceOf(MalformedResponseError);
      expect(e.message).to.equal('response larger than 1000 octets');
      expect(await c.call('ok')).to.equal('small');
      expect(c.stats).to.include({ requests: 2, connections: 2, errors: 1 });
    } finally { c.close(); await closeHttp(server); }
  });

  it('fails a call to something that is not HTTP with MalformedResponseError, and one cut short with TransportError', async () => {
    const ssh = await tcpServer(() => 'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\r\n', false);
    const cut = await tcpServer(() => 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"jsonrpc":', true);
    const a = new RpcHttpClient({ url: ssh.url, timeoutMs: 2000, jsonrpc: '2.0' });
    const b = new RpcHttpClient({ url: cut.url, timeoutMs: 2000, jsonrpc: '2.0' });
    try {
      const e1 = await rejection(a.call('x'));
      expect(e1).to.be.instanceOf(MalformedResponseError);
      expect(e1.message).to.equal('bad HTTP status line');
      const e2 = await rejection(b.call('x'));
      expect(e2).to.be.instanceOf(TransportError);
      expect(e2.message).to.equal('connection closed during response');
      expect(a.stats.errors + b.stats.errors).to.equal(2);
    } finally { a.close(); b.close(); await closeTcp(ssh.server); await closeTcp(cut.server); }
  });

  it('fails a call on a new connection the node closes before any answer, at once and each time', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => undefined); s.end(); });
    const c = new RpcHttpClient({ url: `http://127.0.0.1:${await listen(server)}`, timeoutMs: 5000, jsonrpc: '2.0' });
    try {
      for (const m of ['a', 'b']) { // the second: nothing left stuck by the first
        const started = Date.now();
        const e = await rejection(c.call(m));
        expect(e).to.be.instanceOf(TransportError).and.not.instanceOf(StaleSocketError);
        expect(e.message).to.equal('connection closed before any response');
        expect(Date.now() - started).to.be.lessThan(1000); // not the 5 s timeout
      }
      expect(c.stats).to.include({ requests: 2, connections: 2, disconnections: 2, errors: 2 });
      c.close();
      expect((await rejection(c.call('c'))).message).to.equal('client closed');
    } finally {
      c.close();
      for (const s of sockets) s.destroy(); // or server.close() waits for them
      await closeTcp(server);
    }
  });

  it('fails the calls in flight and those waiting when closed', async () => {
    const { url, server } = await jsonServer(() => undefined); // never answers
    const c = new RpcHttpClient({ url, timeoutMs: 5000, jsonrpc: '2.0', maxSockets: 1 });
    try {
      const first = rejection(c.call('a'));
      const second = rejection(c.call('b'));
      await new Promise((r) => setTimeout(r, 100));
      c.close();
      for (const e of [await first, await second]) {
        expect(e).to.be.instanceOf(TransportError);
        expect(e.message).to.equal('client closed');
      }
      expect((await rejection(c.call('c'))).message).to.equal('client closed');
    } finally { await closeHttp(server); }
  });

  it('does not hold the process open with an idle kept connection', async () => {
    const { url, server } = await jsonServer((q, res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ jsonrpc: '2.0', id: q.id, result: 7 })); }, 60000);
    try {
      const mod = path.resolve(__dirname, '../../src/chains/rpc-http.js');
      const script = `const { RpcHttpClient } = require(${JSON.stringify(mod)});
        new RpcHttpClient({ url: ${JSON.stringify(url)}, timeoutMs: 2000, jsonrpc: '2.0' }).call('x').then((v) => console.log('got', v));`;
      const started = Date.now();
      const child = await run(script, {});
      expect(child).to.deep.equal({ code: 0, out: 'got 7\n' });
      expect(Date.now() - started).to.be.lessThan(10000); // the server would keep it 60 s
    } finally { await closeHttp(server); }
  });

  describe('over HTTPS', () => {
    let dir = '';
    let server: https.Server | undefined;
    let port = 0;
    before(function () {
      requireTool(this, 'openssl', 'openssl');
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcmgmt-tls-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
      { stdio: 'ignore' });
    });
    beforeEach(async () => {
      server = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const q = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: number; method: string };
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ jsonrpc: '2.0', id: q.id, result: `tls:${q.method}:${req.headers.authorization ?? ''}` }));
        });
      });
      port = await listen(server);
    });
    afterEach(async () => { if (server) await closeHttp(server); });
    after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

    it('refuses a certificate nobody trusts with TransportError', async () => {
      const c = new RpcHttpClient({ url: `https://localhost:${port}`, timeoutMs: 2000, jsonrpc: '2.0' });
      try {
        const e = await rejection(c.call('x'));
        expect(e).to.be.instanceOf(TransportError);
        expect(e.message).to.match(/self[- ]signed certificate/);
      } finally { c.close(); }
    });

    it('calls a node whose certificate is trusted (NODE_EXTRA_CA_CERTS), with basic authentication, over one connection', async () => {
      const mod = path.resolve(__dirname, '../../src/chains/rpc-http.js');
      const script = `const { RpcHttpClient } = require(${JSON.stringify(mod)});
        const c = new RpcHttpClient({ url: 'https://u:p@localhost:${port}/rpc', timeoutMs: 2000, jsonrpc: '2.0' });
        (async () => { const a = await c.call('one'); const b = await c.call('two'); console.log(JSON.stringify([a, b, c.stats.connections])); c.close(); })()
          .catch((e) => { console.log(e.constructor.name, e.message); });`;
      // (in a child process: the server runs on this one's event loop)
      const r = await run(script, { NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem') });
      const basic = 'Basic ' + Buffer.from('u:p').toString('base64');
      expect(r.out.trim()).to.equal(JSON.stringify([`tls:one:${basic}`, `tls:two:${basic}`, 1]));
    });
  });
});
