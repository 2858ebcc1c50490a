/**
 * The SNMP agent's UDP socket: made, bound and closed the same way on the main thread and on the socket thread
 * (socket-thread.ts). Replies go to an address that is already an IP address: literalLookup answers those at once.
 */
import * as dgram from 'node:dgram';
import * as dns from 'node:dns';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

/** The last address literalLookup found to be an IP address, with its family. */
let lastLiteral = { address: '', family: 0 };

/**
 * The address lookup of the agent's socket. A reply goes to its request's source, already an IP address: it
 * is answered at once, where dns.lookup would answer on the next tick and make objects for each reply on the
 * way. A name (a configured listening address) goes to dns.lookup.
 */
export function literalLookup(hostname: string, options: dns.LookupOneOptions, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  if (hostname === lastLiteral.address) { callback(null, hostname, lastLiteral.family); return; }
  const family = net.isIP(hostname);
  if (!family) { dns.lookup(hostname, options, callback); return; }
  lastLiteral = { address: hostname, family };
  callback(null, hostname, family);
}

/** A bound UDP socket calling onMessage for each datagram; errors after the bind go to onError. */
export async function openUdp(address: string, port: number, onMessage: (msg: Buffer, rinfo: dgram.RemoteInfo) => void,
  onError: (e: Error) => void): Promise<{ socket: dgram.Socket; address: string; port: number }> {
  const s = dgram.createSocket({ type: net.isIPv6(address) ? 'udp6' : 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20, lookup: literalLookup });
  s.on('message', onMessage);
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, address, () => { s.off('error', reject); resolve(); });
  });
  s.on('error', onError);
  const a = s.address() as AddressInfo;
  return { socket: s, address: a.address, port: a.port };
}

export function closeUdp(s: dgram.Socket): Promise<void> {
  return new Promise<void>((resolve) => s.close(() => resolve()));
}
