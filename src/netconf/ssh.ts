/**
 * NETCONF over SSH (RFC 6242): an ssh2 server offering the "netconf" subsystem. Password and public key
 * authentication against the user directory; hello exchange with end-of-message framing, then chunked
 * framing when both hellos carry base:1.1; one RPC at a time per session, replies in order; notifications
 * interleaved. Bounded: concurrent connections and sessions, message size, login time, idle time.
 * The listener is ours (node:net): each accepted socket passes the login gate (login-gate.ts: counted and
 * timed from accept, before any SSH byte) and is then handed to ssh2 with injectSocket.
 * A framing error ends the session (after a malformed-message or too-big rpc-error where possible).
 */
import { generateKeyPair } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Server } from 'ssh2';
import type { AuthContext, Connection, ServerChannel } from 'ssh2';
import type { UserDirectory, User } from './auth';
import { FrameDecoder, FramingError, encodeFrame, frameEnd, framePieceParts } from './framing';
import { giveBack } from './xml-chunks';
import { LoginGate, connectionKey } from './login-gate';
import type { LoginGateLimits } from './login-gate';
import { NC_NS } from './namespaces';
import type { NetconfServer } from './server';
import type { Session } from './session';

export interface SshLimits extends LoginGateLimits {
  maxSessions(): number;
  /** Seconds; 0: never. */
  idleTimeout(): number;
  maxRequestSize(): number;
}

export interface SshOptions {
  readonly address: string;
  readonly port: number;
  readonly dataDir: string;
  readonly limits: SshLimits;
  readonly log: (line: string) => void;
}

/**
 * The SSH host keys of a data dir, generated once (ECDSA P-256 in SEC1 PEM and RSA 3072 in PKCS#1 PEM, the
 * encodings ssh2 reads; node:crypto on the thread pool), mode 0600 in <dataDir>/ssh.
 */
export async function hostKeys(dataDir: string): Promise<Buffer[]> {
  const dir = path.join(dataDir, 'ssh');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const make = async (file: string, gen: () => Promise<string>): Promise<Buffer> => {
    const f = path.join(dir, file);
    if (!fs.existsSync(f)) {
      const pem = await gen();
      const tmp = `${f}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, pem, { mode: 0o600 });
      fs.renameSync(tmp, f);
    }
    return fs.readFileSync(f);
  };
  const gen = promisify(generateKeyPair);
  return Promise.all([
    make('ssh_host_ecdsa_key', async () => (await gen('ec', { namedCurve: 'prime256v1',
      privateKeyEncoding: { type: 'sec1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })).privateKey),
    make('ssh_host_rsa_key', async () => (await gen('rsa', { modulusLength: 3072,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })).privateKey),
  ]);
}

/**
 * Octets of replies and notifications a client may leave unread before its session is dropped (a streamed reply is
 * produced only as fast as it is read: what is held then is the notifications waiting for its end and the requests
 * received meanwhile, bounded alike).
 */
const MAX_UNREAD = 64 * 1024 * 1024;

function rpcErrorMessage(tag: 'malformed-message' | 'too-big', message: string): string {
  const type = 'rpc';
  return `<rpc-reply xmlns="${NC_NS}"><rpc-error><error-type>${type}</error-type><error-tag>${tag}</error-tag>` +
    `<error-severity>error</error-severity><error-message xml:lang="en">${message.replace(/[<&>]/g, ' ')}</error-message></rpc-error></rpc-reply>`;
}

export class NetconfSshServer {
  private server: NetServer | undefined;
  private readonly connections = new Set<Connection>();
  /** Every accepted socket, until it closes. */
  private readonly sockets = new Set<Socket>();
  readonly gate: LoginGate;
  private idleTimer: NodeJS.Timeout | undefined;
  port = 0;

  constructor(private readonly rpc: NetconfServer, private readonly users: UserDirectory, private readonly opts: SshOptions) {
    this.gate = new LoginGate(opts.limits, opts.log);
  }

  async start(): Promise<void> {
    const ssh = new Server({ hostKeys: await hostKeys(this.opts.dataDir), ident: 'bcmgmt' }, (client, info) => this.connection(client, info.ip, info.port));
    ssh.on('error', (e: Error) => this.opts.log(`netconf ssh: ${e.message}`));
    const server = createServer((sock: Socket) => {
      if (!this.gate.admit(sock)) return;
      this.sockets.add(sock);
      sock.once('close', () => this.sockets.delete(sock));
      // replies go out as soon as written (Nagle's algorithm with delayed ACKs costs ~40 ms per large reply)
      sock.setNoDelay(true);
      ssh.injectSocket(sock);
    });
    this.server = server;
    server.on('error', (e: Error) => this.opts.log(`netconf ssh: ${e.message}`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.address, () => { server.off('error', reject); resolve(); });
    });
    this.port = (server.address() as AddressInfo).port;
    this.idleTimer = setInterval(() => this.closeIdle(), 1000);
    this.idleTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.idleTimer) clearInterval(this.idleTimer);
    for (const c of this.connections) c.end();
    this.gate.closeAll();
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      setTimeout(() => { for (const sock of this.sockets) sock.destroy(); resolve(); }, 2000).unref();
    });
  }

  private closeIdle(): void {
    const limit = this.opts.limits.idleTimeout() * 1000;
    if (!limit) return;
    const now = Date.now();
    for (const s of this.rpc.sessions.values()) {
      if (s.transport !== 'ssh' || s.subscription?.active) continue;
      if (now - s.lastActivity > limit) this.rpc.closeSession(s, `idle for more than ${limit / 1000} s`, true);
    }
  }

  /** An SSH client that sent its ident (the login gate counts and times it until its session starts). */
  private connection(client: Connection, ip: string, port: number): void {
    this.connections.add(client);
    let user: User | undefined;
    let failures = 0;
    let started = false;
    client.on('error', () => undefined);
    client.on('close', () => { this.connections.delete(client); });
    client.on('authentication', (ctx: AuthContext) => {
      void this.authenticate(ctx).then((r) => {
        if (r === 'key-acceptable') { ctx.accept(); return; }
        if (r) { user = r; ctx.accept(); return; }
        if (ctx.method !== 'none' && ++failures >= 5) { client.end(); return; }
        ctx.reject(['password', 'publickey']);
      }, () => ctx.reject(['password', 'publickey']));
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const sess = accept();
        sess.on('subsystem', (acceptSub, rejectSub, info) => {
          if (info.name !== 'netconf' || !user || started) { rejectSub(); return; }
          if (this.rpc.sessionCount('ssh') >= this.opts.limits.maxSessions()) {
            this.opts.log(`netconf ssh: session refused for ${user.name}@${ip}: ${this.opts.limits.maxSessions()} sessions already open`);
            rejectSub();
            client.end();
            return;
          }
          started = true;
          this.gate.leave(connectionKey(ip, port));
          this.runSession(acceptSub(), user, ip, client);
        });
      });
    });
  }

  /** The user, 'key-acceptable' for a public key query (the client signs next), or undefined. */
  private async authenticate(ctx: AuthContext): Promise<User | 'key-acceptable' | undefined> {
    if (ctx.method === 'password') return this.users.checkPassword(ctx.username, ctx.password);
    if (ctx.method === 'publickey') {
      const hit = this.users.publicKey(ctx.username, ctx.key.algo, ctx.key.data);
      if (!hit) return undefined;
      if (!ctx.signature || !ctx.blob) return 'key-acceptable';
      return hit.key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true ? hit.user : undefined;
    }
    return undefined;
  }

  private runSession(channel: ServerChannel, user: User, ip: string, client: Connection): void {
    const decoder = new FrameDecoder(this.opts.limits.maxRequestSize());
    let helloDone = false;
    let busy = false;
    let ending = false;
    /** Writes handed to the channel and not yet sent (the SSH window may hold them back). */
    let unsent = 0;
    let whenSent: (() => void) | undefined;
    const sent = (): void => { if (--unsent === 0) whenSent?.(); };
    /** A streamed reply is being written: notifications wait (held) until its end, so that no frame interleaves with it. */
    let streaming = false;
    const held: string[] = [];
    let heldChars = 0;
    /** Wakes a streamed reply waiting for the channel to drain (the session ended). */
    let wake: (() => void) | undefined;
    const sink = {
      send: (message: string): void => {
        if (ending) return;
        // a client that does not read (notifications piling up) is dropped rather than buffered without end
        if (channel.writableLength + heldChars > MAX_UNREAD) { this.rpc.closeSession(session, 'the client does not read its messages', true); return; }
        if (streaming) { held.push(message); heldChars += message.length; return; }
        unsent++;
        channel.write(encodeFrame(message, decoder.mode), sent);
      },
      close: (_reason: string, dropped: boolean): void => {
        if (ending) return;
        ending = true;
        wake?.();
        // after the last reply: the exit status (0 after close-session, as a shell's ssh -s netconf expects), EOF, close
        const finish = (): void => {
          whenSent = undefined;
          channel.exit(dropped ? 1 : 0);
          channel.end();
          setTimeout(() => client.end(), 100).unref();
        };
        if (unsent === 0) finish();
        else {
          whenSent = finish;
          setTimeout(() => { if (whenSent) finish(); }, 2000).unref();
        }
      },
    };
    const session: Session = this.rpc.openSession(user, 'ssh', ip, sink);
    const helloTimer = setTimeout(() => {
      if (!helloDone) { this.rpc.noteBadHello(); this.rpc.closeSession(session, 'no hello in time', true); }
    }, this.opts.limits.loginGraceTime() * 1000);
    helloTimer.unref();
    // the server's hello goes first, end-of-message framed
    channel.write(encodeFrame(this.rpc.serverHello(session), 'eom'));
    const fail = (tag: 'malformed-message' | 'too-big', message: string): void => {
      if (!ending) { unsent++; channel.write(encodeFrame(rpcErrorMessage(tag, message), decoder.mode), sent); }
      this.rpc.closeSession(session, message, true);
    };
    const drained = (): Promise<void> => new Promise<void>((resolve) => {
      const done = (): void => { wake = undefined; channel.off('drain', done); channel.off('close', done); resolve(); };
      wake = done;
      channel.once('drain', done);
      channel.once('close', done);
    });
    /**
     * A streamed reply: each chunk framed and written, the next one pulled only once the channel takes more (the
     * SSH window and the channel's buffer bound what is held); its end marker last. The pump handles no other rpc
     * meanwhile (replies stay in order) and notifications are held until the end. When the session ends midway,
     * the producer is stopped; a failure of the producer ends the session (nothing can be reported once bytes are out).
     */
    const writeStream = async (chunks: AsyncIterable<Buffer>): Promise<void> => {
      streaming = true;
      try {
        for await (const c of chunks) {
          if (ending) break;
          if (!c.length) continue;
          // the chunk header and the chunk written apart: the chunk is not copied (the callback counts the last write;
          // once it is called the channel has copied the chunk into SSH packets, and the chunk is given back)
          const parts = framePieceParts(c, decoder.mode);
          for (let i = 0; i < parts.length - 1; i++) channel.write(parts[i]);
          unsent++;
          const more = channel.write(parts[parts.length - 1], () => { giveBack(c); sent(); });
          session.lastActivity = Date.now();
          if (!more) await drained();
          if (ending) break;
        }
        if (!ending) { unsent++; channel.write(frameEnd(decoder.mode), sent); }
      } catch (e) {
        this.opts.log(`netconf ssh: session ${session.id}: reply failed midway: ${(e as Error).message}`);
        this.rpc.closeSession(session, 'reply failed', true);
      } finally {
        streaming = false;
        const waiting = held.splice(0);
        heldChars = 0;
        for (const m of waiting) sink.send(m);
      }
    };
    const pump = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        while (!ending) {
          let msg: Buffer | undefined;
          try {
            msg = decoder.next();
          } catch (e) {
            if (e instanceof FramingError) { fail(e.kind === 'too-big' ? 'too-big' : 'malformed-message', `framing error: ${e.message}`); return; }
            throw e;
          }
          if (!msg) return;
          const text = msg.toString('utf8');
          if (!helloDone) {
            try {
              const b11 = this.rpc.clientHello(session, text);
              helloDone = true;
              clearTimeout(helloTimer);
              if (b11) decoder.mode = 'chunked';
            } catch (e) {
              this.opts.log(`netconf ssh: session ${session.id} (${user.name}@${ip}) closed: ${(e as Error).message}`);
              this.rpc.closeSession(session, (e as Error).message, true);
              return;
            }
            continue;
          }
          const h = await this.rpc.handleMessage(session, text);
          if (h.stream) await writeStream(h.stream);
          else if (h.reply !== undefined) sink.send(h.reply);
          h.after?.();
        }
      } finally {
        busy = false;
      }
    };
    channel.on('data', (d: Buffer) => {
      decoder.push(d);
      if (!helloDone && decoder.pending > 1024 * 1024) { fail('too-big', 'hello larger than 1 MiB'); return; }
      // requests pile up while a streamed reply waits for the client to read it: bounded as unread replies are
      if (decoder.pending > MAX_UNREAD) { this.rpc.closeSession(session, 'the client sends requests without reading its replies', true); return; }
      void pump().catch((e: unknown) => { this.opts.log(`netconf ssh: session ${session.id}: ${(e as Error).message}`); this.rpc.closeSession(session, 'internal error', true); });
    });
    channel.on('close', () => { clearTimeout(helloTimer); this.rpc.closeSession(session, 'channel closed'); });
    channel.on('error', () => this.rpc.closeSession(session, 'channel error', true));
  }
}
