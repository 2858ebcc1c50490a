/**
 * What the beacon adapter reads about the chain itself, with the Beacon API's answer shapes: the spec
 * (once), block headers by slot (a small cache, 404 = empty slot), attestations of a block, proposer
 * duties, committees, liveness, configured validators. Each function is one or a few bounded calls.
 */
import type { BlockSummary } from '../adapter';
import { MalformedResponseError } from '../errors';
import type { BeaconHttp } from './api';
import { query } from './api';
import type { IncludedAttestation } from './participation';

export interface Spec {
  readonly genesisTime: number;
  readonly secondsPerSlot: number;
  readonly slotsPerEpoch: number;
  /** DEPOSIT_CHAIN_ID: the execution chain the beacon chain belongs to. */
  readonly chainId?: string;
  readonly configName?: string;
}

interface Data<T> { readonly data: T }
interface HeaderData { readonly root: string; readonly header: { readonly message: { readonly slot: string; readonly proposer_index: string; readonly parent_root: string } } }
export interface ValidatorData {
  readonly index: string; readonly balance: string; readonly status: string;
  readonly validator: { readonly pubkey: string; readonly effective_balance: string };
}

function num(v: unknown, what: string): number {
  const n = typeof v === 'string' || typeof v === 'number' ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new MalformedResponseError(`${what}: ${JSON.stringify(v)} is not a number`);
  return n;
}

export async function readSpec(api: BeaconHttp): Promise<Spec> {
  const [genesis, spec] = await Promise.all([
    api.get<Data<{ genesis_time: string }>>('/eth/v1/beacon/genesis'),
    api.get<Data<Record<string, string>>>('/eth/v1/config/spec'),
  ]);
  if (!genesis?.data) throw new MalformedResponseError('/eth/v1/beacon/genesis: the node has no genesis yet');
  if (!spec?.data) throw new MalformedResponseError('/eth/v1/config/spec: no spec');
  return {
    genesisTime: num(genesis.data.genesis_time, 'genesis_time'),
    secondsPerSlot: num(spec.data.SECONDS_PER_SLOT, 'SECONDS_PER_SLOT'),
    slotsPerEpoch: num(spec.data.SLOTS_PER_EPOCH, 'SLOTS_PER_EPOCH'),
    chainId: spec.data.DEPOSIT_CHAIN_ID,
    configName: spec.data.CONFIG_NAME,
  };
}

export function summaryOf(h: HeaderData, spec: Spec): BlockSummary {
  const slot = num(h.header.message.slot, 'slot');
  return {
    height: slot, hash: h.root, parentHash: h.header.message.parent_root,
    time: spec.genesisTime + slot * spec.secondsPerSlot, txCount: 0, producer: String(num(h.header.message.proposer_index, 'proposer_index')),
  };
}

/** Headers by slot: null for an empty slot. Remembers the last 256 slots read (the tracker asks for them again). */
export class Headers {
  private readonly cache = new Map<number, BlockSummary | null>();

  constructor(private readonly api: BeaconHttp) {}

  async head(spec: Spec): Promise<BlockSummary> {
    const r = await this.api.get<Data<HeaderData>>('/eth/v1/beacon/headers/head');
    if (!r?.data) throw new MalformedResponseError('/eth/v1/beacon/headers/head: no head');
    const b = summaryOf(r.data, spec);
    this.remember(b.height, b);
    return b;
  }

  async at(slot: number, spec: Spec): Promise<BlockSummary | null> {
    const known = this.cache.get(slot);
    if (known !== undefined) return known;
    const r = await this.api.get<Data<HeaderData>>(`/eth/v1/beacon/headers/${slot}`);
    const b = r?.data ? summaryOf(r.data, spec) : null;
    return b;
  }

  /** Remembers a slot's answer once it is final for the bridge (judged), so later reads cost nothing. */
  remember(slot: number, b: BlockSummary | null): void {
    this.cache.set(slot, b);
    this.cache.delete(slot - 256);
    if (this.cache.size > 512) this.cache.clear();
  }
}

export async function attestations(api: BeaconHttp, slot: number): Promise<IncludedAttestation[]> {
  const r = await api.get<Data<IncludedAttestation[]>>(`/eth/v1/beacon/blocks/${slot}/attestations`);
  return Array.isArray(r?.data) ? r!.data : [];
}

/** Proposer duties of an epoch as [slot, validator index] pairs. */
export async function proposerDuties(api: BeaconHttp, epoch: number): Promise<[number, number][]> {
  const r = await api.get<Data<{ slot: string; validator_index: string }[]>>(`/eth/v1/validator/duties/proposer/${epoch}`);
  return (r?.data ?? []).map((d) => [num(d.slot, 'duty slot'), num(d.validator_index, 'duty validator_index')]);
}

/** Active validators of an epoch: the sum of its committee sizes. */
export async function activeCount(api: BeaconHttp, epoch: number): Promise<number | undefined> {
  const r = await api.get<Data<{ validators: string[] }[]>>(`/eth/v1/beacon/states/head/committees${query({ epoch })}`);
  if (!Array.isArray(r?.data)) return undefined;
  let n = 0;
  for (const c of r!.data) n += Array.isArray(c.validators) ? c.validators.length : 0;
  return n;
}

/** Indices or public keys per validator query (public keys make long URLs). */
const IDS_PER_QUERY = { index: 100, pubkey: 30 };

/** The configured validators' entries in the head state, by repeated id= queries (never the whole set). */
export async function validators(api: BeaconHttp, ids: readonly string[]): Promise<ValidatorData[]> {
  const indices = ids.filter((i) => /^\d+$/.test(i));
  const keys = ids.filter((i) => !/^\d+$/.test(i));
  const chunks: string[][] = [];
  for (let i = 0; i < indices.length; i += IDS_PER_QUERY.index) chunks.push(indices.slice(i, i + IDS_PER_QUERY.index));
  for (let i = 0; i < keys.length; i += IDS_PER_QUERY.pubkey) chunks.push(keys.slice(i, i + IDS_PER_QUERY.pubkey));
  const answers = await Promise.all(chunks.map((c) => api.get<Data<ValidatorData[]>>(`/eth/v1/beacon/states/head/validators${query({ id: c })}`)));
  return answers.flatMap((a) => (Array.isArray(a?.data) ? a!.data : []));
}

/**
 * Liveness of validators in an epoch: POST /eth/v1/validator/liveness/{epoch} (the standard form), or,
 * where that route is missing (Lodestar 1.5.1), GET with repeated indices= and epoch=; undefined when the
 * node has neither route (form.none: not asked again).
 */
export async function liveness(api: BeaconHttp, epoch: number, indices: readonly number[], form: { get?: boolean; none?: boolean }): Promise<Map<number, boolean> | undefined> {
  const out = new Map<number, boolean>();
  if (form.none) return undefined;
  for (let i = 0; i < indices.length; i += 100) {
    const chunk = indices.slice(i, i + 100);
    type Live = Data<{ index: string | number; is_live: boolean }[]>;
    let r: Live | undefined;
    if (!form.get) {
      r = await api.post<Live>(`/eth/v1/validator/liveness/${epoch}`, chunk.map(String));
      if (r === undefined) form.get = true;
    }
    if (form.get) {
      r = await api.get<Live>(`/eth/v1/validator/liveness${query({ indices: chunk, epoch })}`);
      if (r === undefined) { form.none = true; return undefined; }
    }
    for (const d of r?.data ?? []) out.set(num(d.index, 'liveness index'), d.is_live === true);
  }
  return out;
}
