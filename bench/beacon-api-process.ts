/**
 * A SYNTHETIC Beacon Node API server for bench/beacon.ts, run in its own process (so its CPU is not the
 * bridge's): answers shaped like Lodestar 1.5.1's recorded answers (same paths, fields and quirks: GET
 * liveness with repeated indices, repeated id= and topics= parameters), generated from the clock. It is
 * no chain: a state of VALIDATORS validators (only the asked ones are generated), ACTIVE of them in
 * committees, mainnet's 32 slots per epoch, SECONDS_PER_SLOT 2, every 10th slot empty, every 50th
 * validator not live, a head event per slot on /eth/v1/events. GENESIS_SLOTS_AGO sets how long the chain
 * already is. Prints {"url": ...} on stdout when listening.
 */
import * as http from 'node:http';

const SPS = Number(process.env.SECONDS_PER_SLOT ?? '2');
const SPE = 32;
const VALIDATORS = Number(process.env.VALIDATORS ?? '1000000');
const ACTIVE = Number(process.env.ACTIVE ?? '16384');
const genesis = Math.floor(Date.now() / 1000) - Number(process.env.GENESIS_SLOTS_AGO ?? '100') * SPS;
let requests = 0;

const clock = (): number => Math.floor((Date.now() / 1000 - genesis) / SPS);
const hex32 = (n: number, salt: string): string => '0x' + (salt + n.toString(16)).padStart(64, '0').slice(-64);
const pubkey = (i: number): string => '0x' + i.toString(16).padStart(16, '0') + 'ab'.repeat(40);
const empty = (slot: number): boolean => slot > 0 && slot % 10 === 0;
/** The head: the newest non-empty slot not after the clock. */
const head = (): number => { let s = clock(); while (empty(s)) s--; return s; };
const proposer = (slot: number): number => (slot * 7919) % ACTIVE;
const parentOf = (slot: number): number => { let p = slot - 1; while (p > 0 && empty(p)) p--; return Math.max(0, p); };

function header(slot: number): unknown {
  return { data: { root: hex32(slot, 'b'), canonical: true, header: { message: { slot: String(slot), proposer_index: String(proposer(slot)), parent_root: hex32(parentOf(slot), 'b'), state_root: hex32(slot, 'c'), body_root: hex32(slot, 'd') }, signature: '0x' + '00'.repeat(96) } }, execution_optimistic: false };
}

function validator(i: number, epoch: number): unknown {
  return { index: String(i), balance: String(32_000_000_000 + ((i * 31 + epoch * 17) % 100_000)), status: i < ACTIVE ? 'active_ongoing' : 'pending_queued',
    validator: { pubkey: pubkey(i), withdrawal_credentials: hex32(i, 'e'), effective_balance: '32000000000', slashed: false, activation_eligibility_epoch: '0', activation_epoch: '0', exit_epoch: '18446744073709551615', withdrawable_epoch: '18446744073709551615' } };
}

/** Aggregates of the previous slot's committees (ACTIVE / 32 validators a slot, in committees of up to 128), 90 % of bits set. */
function attestations(slot: number): unknown[] {
  const s = slot - 1;
  if (s < 0) return [];
  const perSlot = Math.ceil(ACTIVE / SPE);
  const out: unknown[] = [];
  for (let c = 0; c * 128 < perSlot; c++) {
    const size = Math.min(128, perSlot - c * 128);
    const bytes = Buffer.alloc(Math.floor(size / 8) + 1);
    for (let b = 0; b < size; b++) if ((b + s) % 10 !== 0) bytes[b >> 3] |= 1 << (b & 7);
    bytes[size >> 3] |= 1 << (size & 7);
    out.push({ aggregation_bits: '0x' + bytes.toString('hex'), data: { slot: String(s), index: String(c), beacon_block_root: hex32(s, 'b'),
      source: { epoch: '0', root: hex32(0, 'f') }, target: { epoch: String(Math.floor(s / SPE)), root: hex32(s, 'f') } }, signature: '0x' + '00'.repeat(96) });
  }
  return out;
}

function route(u: URL): { status: number; body?: unknown } {
  const p = u.pathname;
  const epoch = Math.floor(clock() / SPE);
  if (p === '/eth/v1/beacon/genesis') return { status: 200, body: { data: { genesis_time: String(genesis), genesis_validators_root: hex32(1, 'a'), genesis_fork_version: '0x00000001' } } };
  if (p === '/eth/v1/config/spec') return { status: 200, body: { data: { CONFIG_NAME: 'synthetic', SECONDS_PER_SLOT: String(SPS), SLOTS_PER_EPOCH: String(SPE), DEPOSIT_CHAIN_ID: '1' } } };
  if (p === '/eth/v1/node/version') return { status: 200, body: { data: { version: 'Synthetic/v1.5.1-recorded-shapes' } } };
  if (p === '/eth/v1/node/syncing') return { status: 200, body: { data: { head_slot: String(head()), sync_distance: String(clock() - head()), is_syncing: false, is_optimistic: false } } };
  if (p === '/eth/v1/node/health') return { status: 200 };
  if (p === '/eth/v1/node/peers') return { status: 200, body: { data: Array.from({ length: 50 }, (_, i) => ({ peer_id: `16Uiu2HAm${i}`, enr: '', last_seen_p2p_address: `/ip4/10.0.0.${i}/tcp/9000`, state: 'connected', direction: i % 2 ? 'inbound' : 'outbound' })), meta: { count: 50 } } };
  if (p === '/eth/v1/beacon/states/head/finality_checkpoints') {
    const e = Math.floor(head() / SPE);
    return { status: 200, body: { data: { previous_justified: { epoch: String(Math.max(0, e - 2)), root: hex32(e - 2, 'f') }, current_justified: { epoch: String(Math.max(0, e - 1)), root: hex32(e - 1, 'f') }, finalized: { epoch: String(Math.max(0, e - 2)), root: hex32(e - 2, 'f') } } } };
  }
  let m = /^\/eth\/v1\/beacon\/headers\/(head|\d+)$/.exec(p);
  if (m) {
    const slot = m[1] === 'head' ? head() : Number(m[1]);
    return slot > clock() || empty(slot) ? { status: 404, body: { statusCode: 404, message: `No block found for id '${slot}'` } } : { status: 200, body: header(slot) };
  }
  m = /^\/eth\/v1\/beacon\/blocks\/(\d+)\/attestations$/.exec(p);
  if (m) return Number(m[1]) > clock() || empty(Number(m[1])) ? { status: 404 } : { status: 200, body: { data: attestations(Number(m[1])) } };
  if (p === '/eth/v1/beacon/states/head/validators') {
    const data = u.searchParams.getAll('id').map((id) => (/^0x/.test(id) ? parseInt(id.slice(2, 18), 16) : Number(id))).filter((i) => i < VALIDATORS).map((i) => validator(i, epoch));
    return { status: 200, body: { data, execution_optimistic: false } };
  }
  m = /^\/eth\/v1\/validator\/duties\/proposer\/(\d+)$/.exec(p);
  if (m) {
    if (Number(m[1]) !== epoch) return { status: 500, body: { statusCode: 500, message: `Requested epoch ${m[1]} must equal current ${epoch}` } };
    return { status: 200, body: { data: Array.from({ length: SPE }, (_, k) => { const s = epoch * SPE + k; return { slot: String(s), validator_index: String(proposer(s)), pubkey: pubkey(proposer(s)) }; }), dependent_root: hex32(epoch, 'a') } };
  }
  if (p === '/eth/v1/beacon/states/head/committees') {
    const per = Math.ceil(ACTIVE / SPE);
    const data = Array.from({ length: SPE }, (_, k) => ({ index: '0', slot: String(epoch * SPE + k), validators: Array.from({ length: Math.min(per, ACTIVE - k * per) }, (_v, j) => String(k * per + j)) }));
    return { status: 200, body: { data, execution_optimistic: false } };
  }
  if (p === '/eth/v1/validator/liveness') return { status: 200, body: { data: u.searchParams.getAll('indices').map((i) => ({ index: Number(i), epoch: Number(u.searchParams.get('epoch')), is_live: Number(i) % 50 !== 0 })) } };
  return { status: 404, body: { message: `Route ${p} not found`, statusCode: 404 } };
}

const server = http.createServer((req, res) => {
  requests++;
  const u = new URL(req.url ?? '/', 'http://x');
  if (u.pathname === '/eth/v1/events') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let last = head();
    const t = setInterval(() => {
      const h = head();
      if (h === last) return;
      last = h;
      res.write(`event: head\ndata: ${JSON.stringify({ slot: String(h), block: hex32(h, 'b'), state: hex32(h, 'c'), epoch_transition: h % SPE === 0 })}\n\n`);
    }, 200);
    req.on('close', () => clearInterval(t));
    return;
  }
  if (u.pathname === '/requests') { res.end(JSON.stringify({ requests })); return; }
  const r = route(u);
  const body = r.body === undefined ? '' : JSON.stringify(r.body);
  res.writeHead(r.status, { 'content-type': 'application/json' });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}` }) + '\n');
});
process.on('disconnect', () => process.exit(0));
