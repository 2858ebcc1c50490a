/** A cross-chain channel without chains: matching, bounds, relayer state, persistence rows; the ABI words of the demo contracts. */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { keccakText } from '../../src/contract';
import { Channel, ChannelStore, RECEIVED_EVENT, SENT_EVENT, decodeSentData, encodeDeliver, encodeSend, eventTopic, fingerprint, utf8Hex } from '../../src/crosschain';
import type { ChannelConfig } from '../../src/crosschain';
import { openDb } from '../../src/store/db';

const id = (n: number): string => '0x' + n.toString(16).padStart(64, '0');
const cfg: ChannelConfig = {
  network: 'a', name: 'ab', counterparty: 'b', protocol: 'relay', sourceContract: '0x' + '1'.repeat(40), destContract: '0x' + '2'.repeat(40),
  sentEvent: SENT_EVENT, receivedEvent: RECEIVED_EVENT, stuckThreshold: 10, sentTopic: eventTopic(SENT_EVENT), receivedTopic: eventTopic(RECEIVED_EVENT),
};

describe('cross-chain channel logic', () => {
  it('matches deliveries with sends by id; latency from the bridge\'s observation times', () => {
    const ch = new Channel(cfg);
    ch.sent(id(1), 1000);
    ch.sent(id(2), 2000);
    ch.sent(id(2), 2500); // the same id again: one message
    ch.received(id(1), 4000);
    const v = ch.values(5000, true);
    expect(v).to.include({ sent: 2n, received: 1n, pending: 1n, oldestPendingAge: 3, meanRelayLatency: 3000, lastRelayed: 4000 });
    ch.received(id(2), 3000);
    expect(ch.values(6000, true)).to.include({ pending: 0n, oldestPendingAge: 0, meanRelayLatency: 2000, lastRelayed: 4000 });
  });

  it('counts a delivery seen before its send with latency 0, and never one of an unknown message', () => {
    const ch = new Channel(cfg);
    ch.received(id(7), 1000); // sent before the bridge watched, or its source block not seen yet
    expect(ch.values(1000, true)).to.include({ sent: 0n, received: 0n, pending: 0n });
    ch.sent(id(7), 1500);
    expect(ch.values(2000, true)).to.include({ sent: 1n, received: 1n, pending: 0n, meanRelayLatency: 0 });
  });

  it('keeps at most maxPending ids, dropping (and counting) the oldest', () => {
    const ch = new Channel(cfg, 3);
    for (let i = 1; i <= 5; i++) ch.sent(id(i), i * 1000);
    expect([...ch.pending.keys()]).to.deep.equal([id(3), id(4), id(5)]);
    expect(ch.row.dropped).to.equal(2);
    expect(ch.row.sent).to.equal(5);
    const c = ch.takeChanges();
    expect(c.added.map((p) => p.id)).to.deep.equal([id(3), id(4), id(5)]); // the dropped ones never reach the database
    expect(c.removed).to.deep.equal([]);
  });

  it('derives the relayer state from the traffic and the stuck threshold', () => {
    const ch = new Channel(cfg); // threshold 10 s
    expect(ch.relayerState(0)).to.equal('unknown');
    ch.sent(id(1), 0);
    expect(ch.relayerState(5_000)).to.equal('unknown'); // pending, within the threshold, no delivery seen yet
    expect(ch.relayerState(11_000)).to.equal('stalled');
    ch.received(id(1), 12_000);
    expect(ch.relayerState(12_000)).to.equal('alive');
    expect(ch.relayerState(100_000)).to.equal('alive'); // nothing pending
    ch.sent(id(2), 100_000);
    expect(ch.relayerState(105_000)).to.equal('alive'); // the oldest pending is young
    expect(ch.relayerState(111_000)).to.equal('stalled');
  });

  it('is open only with both contracts present and both networks reachable; closed when one is gone', () => {
    const ch = new Channel(cfg);
    expect(ch.channelState(true)).to.equal('unknown');
    ch.srcCode = 'present';
    ch.dstCode = 'present';
    expect(ch.channelState(false)).to.equal('unknown');
    expect(ch.channelState(true)).to.equal('open');
    ch.dstCode = 'gone';
    expect(ch.channelState(true)).to.equal('closed');
  });

  it('persists counters and pending ids; another fingerprint starts afresh', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-xc-'));
    const db = openDb(dir);
    try {
      const store = new ChannelStore(db);
      const ch = new Channel(cfg, 100, store.load('a', 'ab'));
      for (let i = 1; i <= 4; i++) ch.sent(id(i), i);
      ch.received(id(2), 10);
      ch.row.srcHeight = 42;
      ch.row.srcHash = id(42);
      let c = ch.takeChanges();
      store.save('a', 'ab', ch.row, c.added, c.removed, c.clear);
      ch.received(id(1), 20);
      c = ch.takeChanges();
      store.save('a', 'ab', ch.row, c.added, c.removed, c.clear);
      const again = new Channel(cfg, 100, store.load('a', 'ab'));
      expect([...again.pending.keys()]).to.deep.equal([id(3), id(4)]);
      expect(again.row).to.include({ sent: 4, received: 2, srcHeight: 42, srcHash: id(42), latencySum: 8 + 19, latencyCount: 2 });
      expect(again.dirty).to.equal(false);
      const moved = new Channel({ ...cfg, destContract: '0x' + '3'.repeat(40) }, 100, store.load('a', 'ab'));
      expect(moved.pending.size).to.equal(0);
      expect(moved.row.sent).to.equal(0);
      c = moved.takeChanges();
      expect(c.clear).to.equal(true);
      store.save('a', 'ab', moved.row, c.added, c.removed, c.clear);
      expect(store.load('a', 'ab')!.pending).to.deep.equal([]);
      expect(store.load('a', 'ab')!.row.fingerprint).to.equal(fingerprint(moved.cfg));
      store.delete('a', 'ab');
      expect(store.load('a', 'ab')).to.equal(undefined);
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes event signatures with blanks, or topics as given', () => {
    expect(eventTopic('MessageSent(bytes32, address, bytes)')).to.equal(keccakText('MessageSent(bytes32,address,bytes)'));
    expect(eventTopic(id(5).toUpperCase().replace('0X', '0x'))).to.equal(id(5));
  });

  it('encodes the demo contracts\' calls and decodes MessageSent data', () => {
    const to = '0x' + 'ab'.repeat(20);
    const data = utf8Hex('hello, chain B: a payload longer than one word of thirty-two octets');
    const send = encodeSend(to, data);
    expect(send.slice(0, 10)).to.equal('0xc89acc86');
    // The event's data is the call's arguments (after the selector) for this contract.
    expect(decodeSentData('0x' + send.slice(10))).to.deep.equal({ to, data });
    const d = encodeDeliver(id(9), 1337n, to, '0x');
    expect(d.length).to.equal(10 + 64 * 5);
    expect(decodeSentData('0x' + '0'.repeat(24) + to.slice(2) + word(0x40) + word(0))).to.deep.equal({ to, data: '0x' });
  });
});

function word(n: number): string { return n.toString(16).padStart(64, '0'); }

describe('cross-chain channel logic: events seen again', () => {
  it('does not count a send or a delivery seen again once delivered (reorganisation, catch-up overlap)', () => {
    const ch = new Channel(cfg);
    ch.sent(id(1), 0);
    ch.received(id(1), 100);
    ch.sent(id(1), 200);
    ch.received(id(1), 300);
    expect(ch.values(400, true)).to.include({ sent: 1n, received: 1n, pending: 0n, meanRelayLatency: 100 });
  });
});
