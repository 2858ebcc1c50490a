/**
 * Unit tests of the beacon adapter's parts that need no chain: the event-stream parser, SSZ bitlists and
 * participation, the validator book (a slot or an epoch judged once, counters kept in the adapter's memory
 * across a restart), the configuration of validators, and the adapter against a Node HTTP server that
 * answers like Lodestar 1.5.1 (GET liveness, 500 for a non-current epoch's duties, 404 for an empty slot).
 */
import { expect } from 'chai';
import * as http from 'node:http';
import { BeaconAdapter } from '../../src/chains/beacon';
import { EventStreamParser } from '../../src/chains/beacon/events';
import type { BeaconEvent } from '../../src/chains/beacon/events';
import { Participation, bitlist } from '../../src/chains/beacon/participation';
import { ValidatorBook, statusLabel, validatorRowId } from '../../src/chains/beacon/validator-book';
import type { AdapterMemory } from '../../src/chains/adapter';
import { networkSettings } from '../../src/config/settings';

function memory(): AdapterMemory & { value?: string } {
  const m: AdapterMemory & { value?: string } = { load: () => m.value, save: (v) => { m.value = v; } };
  return m;
}

describe('beacon adapter units', () => {
  it('parses server-sent events split anywhere, with CRLF, comments and multi-line data', () => {
    const got: BeaconEvent[] = [];
    const p = new EventStreamParser((e) => got.push(e));
    const text = ': keep-alive\r\nevent: head\r\ndata: {"slot":"1",\r\ndata: "block":"0xab"}\r\n\r\nevent: block\ndata: {"slot":"2"}\n\n';
    for (const ch of text) p.push(ch);
    expect(got).to.deep.equal([{ event: 'head', data: '{"slot":"1",\n"block":"0xab"}' }, { event: 'block', data: '{"slot":"2"}' }]);
    expect(() => new EventStreamParser(() => undefined).push('data: ' + 'x'.repeat(1024 * 1024 + 1))).to.throw(/larger than 1 MiB/);
  });

  it('reads SSZ bitlists (the highest set bit is the length) and unions aggregates for participation', () => {
    expect(Array.from(bitlist('0x03')!)).to.deep.equal([1]);
    expect(Array.from(bitlist('0x0d')!)).to.deep.equal([1, 0, 1]);
    expect(bitlist('0x0100')).to.equal(undefined); // no delimiter
    expect(bitlist('0x' + 'ff'.repeat(16) + '01')!.length).to.equal(128);
    const p = new Participation(8);
    const att = (slot: number, bits: string, target: number) => ({ aggregation_bits: bits, data: { slot: String(slot), index: '0', target: { epoch: String(target) } } });
    // epoch 1 (slots 8..15): a committee of 3 at slot 8, seen as two overlapping aggregates, and one of 1 at slot 9
    p.addBlock(9, [att(8, '0x0b', 1), att(8, '0x0e', 1)]); // bits 1,1,0 and 0,1,1 → all 3
    p.addBlock(10, [att(9, '0x02', 1), att(9, '0x02', 1)]); // committee of 1, its bit unset
    expect(p.attesters(1)).to.equal(3);
    expect(p.rate(1, 4)).to.equal(75);
    expect(p.rate(0, 4), 'an epoch whose first blocks were not read').to.equal(undefined);
    expect(p.rate(1, undefined)).to.equal(undefined);
    p.addBlock(24, []); // epoch 3: epoch 1 is forgotten
    expect(p.attesters(1)).to.equal(0);
  });

  it('judges a slot and an epoch once, and keeps the counters across a restart through its memory', () => {
    const m = memory();
    const b = new ValidatorBook(['6', '0x' + 'aa'.repeat(48)], m);
    b.state.get('0x' + 'aa'.repeat(48))!.index = 7;
    b.setDuties(2, [[16, 6], [17, 7], [18, 3], [19, 6]]);
    b.judge(16, undefined, 8); // empty: 6 missed
    b.judge(17, 7, 8); // 7 proposed
    b.judge(16, undefined, 8); // judged already
    b.judge(18, undefined, 8); // not ours
    b.setDuties(3, [[24, 7]]); // the next epoch's duties read before the last slot of epoch 2 is judged
    b.judge(19, undefined, 8); // 6 missed again: its epoch's duties are still known
    b.liveness(1, new Map([[6, false], [7, true]]));
    b.liveness(1, new Map([[6, false], [7, false]])); // judged already
    b.flush();
    const again = new ValidatorBook(['6', '0x' + 'aa'.repeat(48)], m);
    again.state.get('0x' + 'aa'.repeat(48))!.index = 7;
    again.state.get('6')!.status = 'active_ongoing';
    again.judge(17, undefined, 8); // already judged before the restart: not counted again
    again.setDuties(4, [[32, 6]]); // epoch 2 is forgotten, 3 kept
    expect([...again.duties.keys()]).to.deep.equal([3, 4]);
    const rows = again.rows(1000, 2);
    expect(rows.map((r) => r.id)).to.deep.equal(['6', '0x' + 'aa'.repeat(24)]);
    expect(rows[0].values).to.include({ missedSlots: 2n, missedAttestations: 1n, offlineEpochs: 1, proposedBlocks: 0, status: 'activeOngoing', active: true });
    expect(rows[1].values).to.include({ missedSlots: 0n, proposedBlocks: 1, lastProposedHeight: 17n, lastProposedTime: (1000 + 34) * 1000, offlineEpochs: 0 });
    again.liveness(2, new Map([[6, true]]));
    expect(again.rows(1000, 2)[0].values).to.include({ missedAttestations: 1n, offlineEpochs: 0 });
    // A slot of an epoch whose duties are unknown counts no missed proposal; genesis counts nothing.
    again.judge(30, undefined, 8);
    again.judge(0, 6, 8);
    expect(again.rows(1000, 2)[0].values).to.include({ missedSlots: 2n, proposedBlocks: 0 });
    expect(statusLabel('exited_slashed')).to.equal('exitedSlashed');
    expect(statusLabel('bogus')).to.equal(undefined);
    expect(validatorRowId('12')).to.equal('12');
  });

  it('configures validators by index or public key, refusing bad or repeated ones and other platforms', () => {
    const key = '0x' + 'AB'.repeat(48);
    const net = (validators: unknown[], platform = 'beacon') => ({ networks: [{ name: 'p', platform, consensus: { validators }, nodes: [{ name: 'b', endpoint: 'http://127.0.0.1:1' }] }] });
    expect(networkSettings(net(['0', key]) as never)[0].validators).to.deep.equal(['0', key.toLowerCase()]);
    expect(() => networkSettings(net(['01']) as never)).to.throw(/neither a validator index nor a BLS public key/);
    expect(() => networkSettings(net(['0x1234']) as never)).to.throw(/neither/);
    expect(() => networkSettings(net([key, key.toLowerCase()]) as never)).to.throw(/listed twice/);
    expect(() => networkSettings(net(['1'], 'ethereum') as never)).to.throw(/only for beacon networks/);
  });

  describe('against a server answering like Lodestar 1.5.1', () => {
    let server: http.Server;
    let url = '';
    const seen: string[] = [];
    let genesis = 0;
    let noLiveness = false;
    before(async () => {
      genesis = Math.floor(Date.now() / 1000) - 2 * 21; // clock at slot 21: epoch 2 (8 slots an epoch)
      server = http.createServer((req, res) => {
        seen.push(`${req.method} ${req.url}`);
        const u = new URL(req.url!, 'http://x');
        const send = (status: number, body?: unknown): void => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(body === undefined ? '' : JSON.stringify(body)); };
        const hdr = (slot: number) => ({ data: { root: `0x${slot.toString(16).padStart(64, '0')}`, header: { message: { slot: String(slot), proposer_index: String(slot % 8), parent_root: `0x${(slot - 1).toString(16).padStart(64, '0')}` } } } });
        const p = u.pathname;
        if (p === '/eth/v1/beacon/genesis') return send(200, { data: { genesis_time: String(genesis) } });
        if (p === '/eth/v1/config/spec') return send(200, { data: { SECONDS_PER_SLOT: '2', SLOTS_PER_EPOCH: '8', DEPOSIT_CHAIN_ID: '5', CONFIG_NAME: 'minimal' } });
        if (p === '/eth/v1/node/version') return send(200, { data: { version: 'Lodestar/v1.5.1/2115aa7' } });
        if (p === '/eth/v1/node/syncing') return send(200, { data: { head_slot: '20', sync_distance: '1', is_syncing: false } });
        if (p === '/eth/v1/node/health') return send(206);
        if (p === '/eth/v1/node/peers') return send(200, { data: [{ peer_id: '16Uiu2', last_seen_p2p_address: '/ip4/127.0.0.1/tcp/9000', state: 'connected', direction: 'inbound' }, { peer_id: 'x', state: 'disconnected', direction: 'outbound' }] });
        if (p === '/eth/v1/beacon/headers/head') return send(200, hdr(20));
        const m = /^\/eth\/v1\/beacon\/headers\/(\d+)$/.exec(p);
        if (m) return Number(m[1]) === 19 || Number(m[1]) > 20 ? send(404, { message: 'No block found' }) : send(200, hdr(Number(m[1])));
        if (/^\/eth\/v1\/beacon\/blocks\/\d+\/attestations$/.test(p)) return send(200, { data: [] });
        if (p === '/eth/v1/beacon/states/head/finality_checkpoints') return send(200, { data: { current_justified: { epoch: '1' }, finalized: { epoch: '0' } } });
        if (p === '/eth/v1/beacon/states/head/validators') {
          expect(u.searchParams.getAll('id')).to.deep.equal(['3']);
          return send(200, { data: [{ index: '3', balance: '31999000000', status: 'active_ongoing', validator: { pubkey: '0x' + '11'.repeat(48), effective_balance: '32000000000' } }] });
        }
        if (p === '/eth/v1/validator/duties/proposer/2') return send(200, { data: [16, 17, 18, 19, 20, 21, 22, 23].map((s) => ({ slot: String(s), validator_index: s === 19 ? '3' : String(s % 8) })) });
        if (p.startsWith('/eth/v1/validator/duties/proposer/')) return send(500, { message: 'Requested epoch must equal current' });
        if (p === '/eth/v1/beacon/states/head/committees') return send(200, { data: [{ validators: ['0', '1', '2', '3'] }, { validators: ['4', '5', '6', '7'] }] });
        if (p === '/eth/v1/validator/liveness' && !noLiveness) return send(200, { data: u.searchParams.getAll('indices').map((i) => ({ index: Number(i), epoch: 1, is_live: false })) });
        return send(404, { message: `Route ${req.method}:${p} not found` });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    after(() => { server.close(); });

    it('reads node, peers, consensus and validator values; a duty slot answering 404 is a missed proposal; liveness by GET after POST is refused', async () => {
      const a = new BeaconAdapter({ endpoint: url, timeoutMs: 2000, validators: ['3'] });
      const obs = await a.poll();
      await a.close();
      expect(obs.node).to.include({ clientVersion: 'Lodestar/v1.5.1/2115aa7', syncing: false, syncDistance: 1n, headSlot: 20n, health: 'syncing', peerCount: 1, networkId: 'minimal' });
      expect(obs.peers).to.deep.equal([
        { peerId: '16Uiu2', address: '/ip4/127.0.0.1/tcp/9000', direction: 'inbound', state: 'connected' },
        { peerId: 'x', address: undefined, direction: 'outbound', state: 'disconnected' },
      ]);
      expect(obs.head).to.include({ height: 20, producer: '4', time: genesis + 40 });
      expect(obs.consensus).to.include({ epoch: 2n, justifiedEpoch: 1n, finalizedEpoch: 0n, epochsSinceFinality: 2, committedHeight: 0n, validatorCount: 8 });
      const row = obs.validatorRows![0];
      expect(row.id).to.equal('3');
      // slots 16..20 judged (the head is 20, the clock 21): 19 was validator 3's duty and has no block
      expect(row.values).to.include({ index: 3, status: 'activeOngoing', balance: 31999000000n, effectiveBalance: 32000000000n, missedSlots: 1n, proposedBlocks: 0, active: true });
      // liveness of epoch 1 asked once the clock is past the middle of epoch 2 (slot 21 > 20)
      expect(row.values).to.include({ missedAttestations: 1n, offlineEpochs: 1 });
      expect(seen).to.include('POST /eth/v1/validator/liveness/1');
      expect(seen).to.include('GET /eth/v1/validator/liveness?indices=3&epoch=1');
      expect(seen.some((s) => s.includes('/duties/proposer/3'))).to.equal(false);
    });

    it('leaves missed attestations absent on a node with no liveness route at all, and stops asking', async () => {
      noLiveness = true;
      const a = new BeaconAdapter({ endpoint: url, timeoutMs: 2000, validators: ['3'] });
      const first = await a.poll();
      seen.length = 0;
      const second = await a.poll();
      await a.close();
      for (const obs of [first, second]) {
        expect(obs.validatorRows![0].values.missedAttestations).to.equal(undefined);
        expect(obs.validatorRows![0].values.offlineEpochs).to.equal(undefined);
        expect(obs.validatorRows![0].values.missedSlots).to.equal(1n);
      }
      expect(seen.filter((x) => x.includes('/liveness'))).to.deep.equal([]);
    });
  });
});
