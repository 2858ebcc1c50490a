/**
 * The little of the Solidity ABI encoding the demonstration channel needs: 32-octet words (uint256,
 * bytes32, address) and one trailing dynamic `bytes` argument. Call data of Sender.send and
 * Receiver.deliver, and the data of the MessageSent event.
 */
import { RECEIVER_SELECTORS, SENDER_SELECTORS } from './contracts';

export const SENT_EVENT = 'MessageSent(bytes32,address,bytes)';
export const RECEIVED_EVENT = 'MessageReceived(bytes32)';

function word(v: bigint): string {
  if (v < 0n || v >= 1n << 256n) throw new RangeError('value does not fit a uint256');
  return v.toString(16).padStart(64, '0');
}

function addressWord(a: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new RangeError(`${a} is not an address`);
  return a.slice(2).toLowerCase().padStart(64, '0');
}

function bytes32Word(h: string): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(h)) throw new RangeError(`${h} is not 32 octets`);
  return h.slice(2).toLowerCase();
}

function hexBody(data: string): string {
  const h = data.startsWith('0x') ? data.slice(2) : data;
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new RangeError('data is not hex octets');
  return h.toLowerCase();
}

/** Length word and content of a `bytes` value, padded to whole words. */
function dynamicBytes(data: string): string {
  const h = hexBody(data);
  const padded = h.padEnd(Math.ceil(h.length / 64) * 64, '0');
  return word(BigInt(h.length / 2)) + padded;
}

/** Call data of Sender.send(address to, bytes data). */
export function encodeSend(to: string, data: string): string {
  return SENDER_SELECTORS['send(address,bytes)'] + addressWord(to) + word(0x40n) + dynamicBytes(data);
}

/** Call data of Receiver.deliver(bytes32 id, uint256 sourceChainId, address to, bytes data). */
export function encodeDeliver(id: string, sourceChainId: bigint, to: string, data: string): string {
  return RECEIVER_SELECTORS['deliver(bytes32,uint256,address,bytes)'] + bytes32Word(id) + word(sourceChainId) + addressWord(to) + word(0x80n) + dynamicBytes(data);
}

/** Call data of Receiver.delivered(bytes32 id). */
export function encodeDelivered(id: string): string {
  return RECEIVER_SELECTORS['delivered(bytes32)'] + bytes32Word(id);
}

/** The non-indexed arguments of MessageSent (address to, bytes data) from a log's data. */
export function decodeSentData(data: string): { to: string; data: string } {
  const h = hexBody(data);
  if (h.length < 128) throw new RangeError('MessageSent data too short');
  const to = '0x' + h.slice(24, 64);
  const off = Number(BigInt('0x' + h.slice(64, 128))) * 2;
  if (!Number.isSafeInteger(off) || off + 64 > h.length) throw new RangeError('MessageSent data: bad offset');
  const len = Number(BigInt('0x' + h.slice(off, off + 64))) * 2;
  if (!Number.isSafeInteger(len) || off + 64 + len > h.length) throw new RangeError('MessageSent data: bad length');
  return { to, data: '0x' + h.slice(off + 64, off + 64 + len) };
}

/** A text as hex octets (demonstration payloads). */
export function utf8Hex(text: string): string {
  return '0x' + Buffer.from(text, 'utf8').toString('hex');
}
