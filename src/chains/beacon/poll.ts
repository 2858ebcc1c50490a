/**
 * One poll of a beacon node. Every poll: version, syncing, health, peers, head header, finality
 * checkpoints and the configured validators (chunked id= queries): a constant number of calls as the
 * chain grows. Per new slot: its header (404: empty) and, for a block, its attestations (participation).
 * Per epoch: proposer duties (current epoch), committees (active count), liveness of the previous epoch
 * for our active validators. Slots are judged at most MAX_SLOTS_PER_POLL per poll; a longer gap is
 * caught up over the following polls, and a gap longer than two epochs is skipped.
 */
import type { NodeObservation, Values } from '../adapter';
import type { BeaconHttp } from './api';
import { Headers, activeCount, attestations, liveness, proposerDuties, readSpec, validators } from './chain';
import type { Spec } from './chain';
import { Participation } from './participation';
import type { ValidatorBook } from './validator-book';

export const MAX_SLOTS_PER_POLL = 32;

interface Data<T> { readonly data: T }
interface Syncing { head_slot: string; sync_distance: string; is_syncing: boolean }
interface Peer { peer_id?: string; last_seen_p2p_address?: string; state?: string; direction?: string }
interface Checkpoints { current_justified: { epoch: string }; finalized: { epoch: string } }

const PEER_STATE: Record<string, string> = { connected: 'connected', connecting: 'connecting', disconnecting: 'disconnecting', disconnected: 'disconnected' };
const HEALTH: Record<number, string> = { 200: 'ready', 206: 'syncing', 503: 'notInitialized' };

export class BeaconPoller {
  spec: Spec | undefined;
  readonly headers: Headers;
  private participation: Participation | undefined;
  private readonly active = new Map<number, number>();
  private readonly livenessForm: { get?: boolean; none?: boolean } = {};

  constructor(private readonly api: BeaconHttp, readonly book: ValidatorBook) {
    this.headers = new Headers(api);
  }

  clockSlot(spec: Spec): number {
    return Math.max(0, Math.floor((Date.now() / 1000 - spec.genesisTime) / spec.secondsPerSlot));
  }

  async poll(): Promise<NodeObservation> {
    const api = this.api;
    this.spec ??= await readSpec(api);
    const spec = this.spec;
    const S = spec.slotsPerEpoch;
    this.participation ??= new Participation(S);
    const [version, syncing, health, peers, head, fin, vals] = await Promise.all([
      api.get<Data<{ version: string }>>('/eth/v1/node/version'),
      api.get<Data<Syncing>>('/eth/v1/node/syncing'),
      api.status('/eth/v1/node/health'),
      api.get<Data<Peer[]>>('/eth/v1/node/peers'),
      this.headers.head(spec),
      api.get<Data<Checkpoints>>('/eth/v1/beacon/states/head/finality_checkpoints'),
      validators(api, this.book.ids),
    ]);
    this.updateValidators(vals);
    const clock = this.clockSlot(spec);
    const epoch = Math.floor(clock / S);
    // A node still synchronising lacks the blocks after its head: only slots up to its head are judged. Its head
    // state cannot answer for the clock's epoch either (Lodestar 1.5.1: committees "out of range epoch", HTTP 500),
    // so duties, liveness and committees wait until it has caught up; what they give stays absent meanwhile.
    const behind = syncing?.data?.is_syncing === true;
    await this.judgeSlots(spec, head.height, behind ? head.height : clock);
    if (!behind) {
      await this.ensureDuties(epoch);
      await this.judgeLiveness(spec, clock, epoch);
      for (const e of [epoch - 1, epoch]) {
        if (e >= 0 && !this.active.has(e)) { const n = await activeCount(api, e); if (n !== undefined) this.active.set(e, n); }
      }
    }
    for (const e of this.active.keys()) if (e < epoch - 1) this.active.delete(e);
    this.book.flush();

    const justified = fin?.data ? Number(fin.data.current_justified.epoch) : undefined;
    const finalized = fin?.data ? Number(fin.data.finalized.epoch) : undefined;
    const ours = this.book.rows(spec.genesisTime, spec.secondsPerSlot);
    const live = ours.filter((r) => r.values.active === true && (r.values.offlineEpochs ?? 0) === 0).length;
    const leader = this.book.duties.get(epoch)?.get(clock);
    const consensus: Values = {
      slot: BigInt(clock), epoch: BigInt(epoch),
      justifiedEpoch: justified === undefined ? undefined : BigInt(justified),
      finalizedEpoch: finalized === undefined ? undefined : BigInt(finalized),
      epochsSinceFinality: finalized === undefined ? undefined : Math.max(0, epoch - finalized),
      committedHeight: finalized === undefined ? undefined : BigInt(finalized * S),
      participationRate: epoch >= 1 ? this.participation.rate(epoch - 1, this.active.get(epoch - 1)) : undefined,
      leader: leader === undefined ? undefined : String(leader),
      validatorCount: this.active.get(epoch),
      activeValidators: this.book.ids.length ? live : undefined,
    };
    const peerRows = (peers?.data ?? []).slice(0, 1000).map((p): Values => ({
      peerId: p.peer_id, address: p.last_seen_p2p_address,
      direction: p.direction === 'inbound' || p.direction === 'outbound' ? p.direction : 'unknown',
      state: p.state === undefined ? undefined : PEER_STATE[p.state],
    }));
    const s = syncing?.data;
    return {
      node: {
        clientVersion: version?.data?.version,
        networkId: spec.configName,
        syncing: s ? s.is_syncing === true : undefined,
        syncDistance: s ? BigInt(s.sync_distance) : undefined,
        headSlot: s ? BigInt(s.head_slot) : BigInt(head.height),
        headRoot: head.hash,
        health: HEALTH[health],
        peerCount: peerRows.filter((p) => p.state === 'connected').length,
      },
      peers: peerRows,
      network: { chainId: spec.chainId, consensusAlgorithm: 'pos' },
      head,
      ledger: {},
      consensus,
      validatorRows: ours,
      logControlSupported: false,
    };
  }

  private updateValidators(vals: readonly { index: string; balance: string; status: string; validator: { pubkey: string; effective_balance: string } }[]): void {
    for (const v of vals) {
      const pubkey = v.validator?.pubkey?.toLowerCase();
      // A validator configured both by index and by public key has two rows.
      for (const st of [this.book.state.get(v.index), pubkey === undefined ? undefined : this.book.state.get(pubkey)]) {
        if (!st) continue;
        st.index = Number(v.index);
        st.pubkey = pubkey;
        st.status = v.status;
        st.balance = /^\d+$/.test(v.balance) ? BigInt(v.balance) : undefined;
        st.effectiveBalance = /^\d+$/.test(v.validator?.effective_balance ?? '') ? BigInt(v.validator.effective_balance) : undefined;
      }
    }
  }

  /** Reads the current epoch's proposer duties once per epoch (they are only asked for the current epoch). */
  private async ensureDuties(epoch: number): Promise<void> {
    if (this.book.duties.has(epoch)) return;
    this.book.setDuties(epoch, await proposerDuties(this.api, epoch));
  }

  /**
   * Judges the slots after the last judged one: a slot up to the head, or one whose time is over by a
   * full slot without a block (up to `until`: the clock, or the head of a node that is synchronising).
   * Its header says whether it has a block and who proposed it.
   */
  private async judgeSlots(spec: Spec, headSlot: number, until: number): Promise<void> {
    const S = spec.slotsPerEpoch;
    const clock = this.clockSlot(spec);
    const epochStart = Math.floor(clock / S) * S;
    let from = this.book.judgedSlot === undefined ? epochStart : this.book.judgedSlot + 1;
    if (from < epochStart - 2 * S) from = epochStart - S; // down too long: what is older cannot be judged against duties
    const last = Math.min(from + MAX_SLOTS_PER_POLL - 1, Math.max(headSlot, until - 2));
    if (last < from) return;
    const slots = Array.from({ length: last - from + 1 }, (_, i) => from + i);
    const blocks = await Promise.all(slots.map((s) => this.headers.at(s, spec)));
    const atts = await Promise.all(blocks.map((b) => (b ? attestations(this.api, b.height) : Promise.resolve([]))));
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      const b = blocks[i];
      if (!b && s > headSlot && s >= until - 1) break; // not over yet
      if (Math.floor(s / S) === Math.floor(clock / S)) await this.ensureDuties(Math.floor(s / S));
      this.book.judge(s, b ? Number(b.producer) : undefined, S);
      this.headers.remember(s, b);
      if (b) this.participation!.addBlock(s, atts[i]);
    }
  }

  /** Liveness of the previous epoch, asked once in the second half of the current one. */
  private async judgeLiveness(spec: Spec, clock: number, epoch: number): Promise<void> {
    const prev = epoch - 1;
    if (prev < 0 || (this.book.livenessEpoch !== undefined && this.book.livenessEpoch >= prev)) return;
    if (clock < epoch * spec.slotsPerEpoch + Math.floor(spec.slotsPerEpoch / 2)) return;
    const indices = this.book.activeIndices();
    const live = indices.length ? await liveness(this.api, prev, indices, this.livenessForm) : new Map<number, boolean>();
    // A node without the liveness API: missed attestations and offline epochs stay absent.
    this.book.livenessKnown = !this.livenessForm.none;
    if (live) this.book.liveness(prev, live);
  }
}
