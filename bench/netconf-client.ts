/**
 * A minimal NETCONF client over SSH for the benchmarks (bench/netconf-get.ts, bench/scale-load.ts): hello with
 * base:1.1, then one request at a time, chunked framing decoded as it arrives.
 */
import * as net from 'node:net';
import { Client } from 'ssh2';
import { FrameDecoder, encodeFrame } from '../src/netconf/framing';
import { ADMIN } from '../test/support/netconf';

export interface NetconfClient { request(msg: string): Promise<string>; close(): void }

/** A minimal NETCONF client: hello with base:1.1, then one request at a time. */
export function sshClient(port: number): Promise<NetconfClient> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('error', reject);
    c.on('ready', () => c.subsys('netconf', (err, ch) => {
      if (err) { reject(err); return; }
      const dec = new FrameDecoder(1 << 30);
      let waiting: ((m: string) => void) | undefined;
      let hello = false;
      ch.on('data', (d: Buffer) => {
        dec.push(d);
        for (let m = dec.next(); m; m = dec.next()) {
          if (!hello) {
            hello = true;
            dec.mode = 'chunked';
            ch.write(encodeFrame('<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>', 'eom'));
            resolve({
              request: (msg) => new Promise<string>((r) => { waiting = r; ch.write(encodeFrame(msg, 'chunked')); }),
              close: () => c.end(),
            });
            continue;
          }
          const w = waiting;
          waiting = undefined;
          w?.(m.toString('utf8'));
        }
      });
    }));
    // TCP_NODELAY as OpenSSH sets it: without it, Nagle's algorithm holds the small request ~40 ms behind the ACK of the last reply
    const sock = net.connect(port, '127.0.0.1');
    sock.setNoDelay(true);
    c.connect({ sock, username: ADMIN.name, password: ADMIN.password, ...(process.env.BENCH_CIPHER ? { algorithms: { cipher: [process.env.BENCH_CIPHER as 'aes128-gcm@openssh.com'] } } : {}) });
  });
}
