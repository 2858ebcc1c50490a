/**
 * Cross-chain management (clause 7.3.4): each configured channel watches the sent events of its source
 * contract in the new blocks of its (source) network and the received events of its destination
 * contract in the new blocks of the counterparty network, from the shared per-block activity feed, and
 * matches them by message id (topics[1], the first indexed argument). State is written to
 *   network/<source>/crossChainChannel/<name>
 * with its configuration attributes (the fault manager's crossChainBacklogStuck detector reads
 * oldestPendingAge, pending and stuckThreshold there), refreshed every second.
 *
 * Counters and pending ids are persisted (store.ts). A new block of a side that does not follow the
 * block last handled (after a restart, or when the feed could not fetch some blocks) is preceded by a
 * bounded catch-up of the gap (eth_getLogs of the one contract and event, at most MAX_CATCHUP_BLOCKS
 * blocks), so deliveries made while the bridge was down are not left pending forever. A catch-up that
 * fails leaves the cursor (the block last handled) where it is and the block unhandled: the next block
 * tries the whole gap again. When the block last handled is no longer on the chain (the chain was
 * replaced, e.g. a development chain restarted), the channel starts afresh.
 *
 * Channel state: closed when either contract has no code (checked every codeCheckMs, default 15 s),
 * open when both have code and both networks are reachable, unknown otherwise.
 */
import type { Bridge, View } from '../bridge';
import type { ChainAdapter } from '../chains/adapter';
import type { ConfigObject } from '../config/document';
import { configValue } from '../config/document';
import { activityFeed } from '../contract/feed';
import type { ActivityEvent, ActivityFeed } from '../contract/feed';
import { modelIndex } from '../model';
import type { Instance, Path } from '../state/tree';
import { Channel, MAX_PENDING, eventTopic, fingerprint } from './channel';
import type { ChannelConfig } from './channel';
import { ChannelStore } from './store';

export const MAX_CATCHUP_BLOCKS = 10_000;
const CATCHUP_CHUNK = 2_000;

export interface CrossChainManagerOptions {
  /** Pending ids kept per channel (default 100 000). */
  readonly maxPending?: number;
  /** Period of the age / relayer-state refresh, ms (default 1000; 0: no timer, tests call tick()). */
  readonly tickMs?: number;
  /** Period of the contract code checks, ms (default 15 000). */
  readonly codeCheckMs?: number;
  readonly now?: () => number;
}

const chCls = modelIndex.cls('crossChainChannel');

function list(o: ConfigObject | undefined, f: string): ConfigObject[] {
  const v = o?.[f];
  return Array.isArray(v) ? (v as ConfigObject[]) : [];
}

function key(network: string, name: string): string { return `${network}\u0000${name}`; }

/** The channels of a configuration document. */
export function channelConfigs(doc: ConfigObject): ChannelConfig[] {
  const out: ChannelConfig[] = [];
  for (const n of list(doc, 'networks')) {
    for (const c of list(n, 'crossChainChannels')) {
      const sentEvent = String(c.sentEvent ?? '');
      const receivedEvent = String(c.receivedEvent ?? '');
      out.push({
        network: String(n.name),
        name: String(c.name),
        counterparty: String(c.counterparty),
        protocol: String(configValue(chCls, c, 'protocol')),
        sourceContract: String(c.sourceContract ?? '').toLowerCase(),
        destContract: String(c.destContract ?? '').toLowerCase(),
        sentEvent,
        receivedEvent,
        stuckThreshold: Number(configValue(chCls, c, 'stuckThreshold')),
        sentTopic: eventTopic(sentEvent),
        receivedTopic: eventTopic(receivedEvent),
      });
    }
  }
  return out;
}

export class CrossChainManager implements View {
  readonly name = 'crosschain';
  readonly channels = new Map<string, Channel>();
  readonly store: ChannelStore;
  private readonly feed: ActivityFeed;
  private readonly now: () => number;
  private unsubscribe: (() => void) | undefined;
  private readonly offs: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly checks = new Set<Promise<void>>();

  constructor(private readonly bridge: Bridge, private readonly opts: CrossChainManagerOptions = {}) {
    this.feed = activityFeed(bridge);
    this.store = new ChannelStore(bridge.db);
    this.now = opts.now ?? Date.now;
  }

  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.applyConfig(this.bridge.running);
    this.unsubscribe = this.feed.subscribe({ wants: (n) => this.wants(n), onBlock: (e) => this.onBlock(e) });
    const onCommit = (r: { target: string }): void => { if (r.target === 'running') this.applyConfig(this.bridge.running); };
    this.bridge.datastore.on('committed', onCommit);
    this.offs.push(() => this.bridge.datastore.off('committed', onCommit));
    // A network subtree removed by the collector takes its channel rows with it: write them again later.
    const onRemoved = (i: Instance): void => { if (i.cls.name === 'network') this.tick(); };
    this.bridge.tree.on('removed', onRemoved);
    this.offs.push(() => this.bridge.tree.off('removed', onRemoved));
    const tickMs = this.opts.tickMs ?? 1000;
    if (tickMs > 0) {
      this.timer = setInterval(() => this.tick(), tickMs);
      this.timer.unref();
    }
    this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const off of this.offs.splice(0)) off();
    await this.feed.idle();
    await Promise.all([...this.checks]);
    this.saveAll();
  }

  describe(): string {
    return `cross-chain management: ${this.channels.size} channel(s)`;
  }

  private wants(network: string): boolean {
    for (const ch of this.channels.values()) if (ch.cfg.network === network || ch.cfg.counterparty === network) return true;
    return false;
  }

  /** Makes the channels those of the running configuration; removed channels are forgotten (tree and database). */
  applyConfig(doc: ConfigObject): void {
    const wanted = new Map(channelConfigs(doc).map((c) => [key(c.network, c.name), c]));
    for (const [k, ch] of [...this.channels]) {
      if (wanted.has(k)) continue;
      this.channels.delete(k);
      this.store.delete(ch.cfg.network, ch.cfg.name);
      this.bridge.tree.remove(this.path(ch.cfg));
    }
    for (const s of this.store.channels()) {
      if (!wanted.has(key(s.network, s.channel))) this.store.delete(s.network, s.channel);
    }
    for (const [k, cfg] of wanted) {
      const ch = this.channels.get(k);
      if (ch) {
        ch.cfg = cfg;
        if (ch.row.fingerprint !== fingerprint(cfg)) {
          ch.reset();
          ch.srcCode = 'unknown';
          ch.dstCode = 'unknown';
          ch.lastCodeCheck = 0;
        }
        continue;
      }
      this.channels.set(k, new Channel(cfg, this.opts.maxPending ?? MAX_PENDING, this.store.load(cfg.network, cfg.name)));
    }
    this.saveAll();
    this.tick();
  }

  private path(c: ChannelConfig): Path {
    return [{ cls: 'network', keys: [c.network] }, { cls: 'crossChainChannel', keys: [c.name] }];
  }

  /** Refreshes every channel's instance (ages and relayer state move with time) and starts due code checks. */
  tick(): void {
    const now = this.now();
    for (const ch of this.channels.values()) {
      this.write(ch, now);
      if (!ch.checking && now - ch.lastCodeCheck >= (this.opts.codeCheckMs ?? 15_000)) this.checkCode(ch, now);
    }
  }

  private write(ch: Channel, now: number): void {
    const netPath = this.path(ch.cfg).slice(0, 1);
    if (!this.bridge.tree.find(netPath)) return;
    const reachable = this.feed.reachable(ch.cfg.network) && this.feed.reachable(ch.cfg.counterparty);
    const inst = this.bridge.tree.find(this.path(ch.cfg));
    const was = inst?.get('state');
    const values = ch.values(now, reachable);
    this.bridge.tree.set(this.path(ch.cfg), values);
    if (was !== undefined && was !== values.state && (was === 'closed' || values.state === 'closed')) {
      this.bridge.record({ severity: 'notice', component: 'crosschain', msgId: 'CHANNEL',
        message: `cross-chain channel ${ch.cfg.name} of network ${ch.cfg.network}: ${String(was)} → ${String(values.state)}` });
    }
  }

  private checkCode(ch: Channel, now: number): void {
    const src = this.feed.adapter(ch.cfg.network);
    const dst = this.feed.adapter(ch.cfg.counterparty);
    if (!src?.accountState && !dst?.accountState) return;
    ch.checking = true;
    const code = async (a: ChainAdapter | undefined, address: string): Promise<'present' | 'gone' | undefined> => {
      if (!a?.accountState) return undefined;
      try {
        return (await a.accountState(address)).code === '0x' ? 'gone' : 'present';
      } catch {
        return undefined;
      }
    };
    const p = (async () => {
      const [s, d] = await Promise.all([code(src, ch.cfg.sourceContract), code(dst, ch.cfg.destContract)]);
      if (s) ch.srcCode = s;
      if (d) ch.dstCode = d;
      // Both ends answered: next check after the period; otherwise try again at the next tick.
      if (s && d) ch.lastCodeCheck = now;
    })().finally(() => {
      ch.checking = false;
      this.checks.delete(p);
      if (this.channels.get(key(ch.cfg.network, ch.cfg.name)) === ch) this.write(ch, this.now());
    });
    this.checks.add(p);
  }

  private async onBlock(e: ActivityEvent): Promise<void> {
    for (const ch of [...this.channels.values()]) {
      if (ch.cfg.network === e.network) await this.side(ch, 'src', e);
      if (ch.cfg.counterparty === e.network) await this.side(ch, 'dst', e);
      if (ch.dirty) this.save(ch);
      this.write(ch, this.now());
    }
  }

  /** One new block on one side of a channel. */
  private async side(ch: Channel, side: 'src' | 'dst', e: ActivityEvent): Promise<void> {
    const b = e.activity;
    // The gap since the last block handled (a restart, or blocks the feed could not fetch) is caught up
    // first; when that fails, this block is not handled either and the cursor stays: the next block tries
    // the whole gap again (eth_getLogs covers this block too), so no message is left uncounted.
    if (!(await this.catchUp(ch, side, e.network, b.height))) return;
    const { contract, topic } = side === 'src'
      ? { contract: ch.cfg.sourceContract, topic: ch.cfg.sentTopic }
      : { contract: ch.cfg.destContract, topic: ch.cfg.receivedTopic };
    for (const tx of b.transactions) {
      for (const log of tx.logs) {
        if (log.address !== contract || log.topics[0] !== topic || log.topics.length < 2) continue;
        if (side === 'src') ch.sent(log.topics[1], e.observedAt); else ch.received(log.topics[1], e.observedAt);
      }
    }
    if (side === 'src') { ch.row.srcHeight = b.height; ch.row.srcHash = b.hash; } else { ch.row.dstHeight = b.height; ch.row.dstHash = b.hash; }
    ch.dirty = true;
  }

  /**
   * Before a block of one side: the first block since the bridge started checks that the block last
   * handled is still on the chain (otherwise the channel starts afresh); any gap between the block last
   * handled and this one is caught up with bounded eth_getLogs queries. Returns false when the gap could
   * not be looked at (node unreachable, query failed): the caller leaves the cursor where it is.
   */
  private async catchUp(ch: Channel, side: 'src' | 'dst', network: string, height: number): Promise<boolean> {
    const last = side === 'src' ? ch.row.srcHeight : ch.row.dstHeight;
    const lastHash = side === 'src' ? ch.row.srcHash : ch.row.dstHash;
    if (last === undefined) { ch.resumed[side] = true; return true; }
    if (ch.resumed[side] && height <= last + 1) return true;
    const warn = (message: string): void => this.bridge.record({ severity: 'warning', component: 'crosschain', msgId: 'CHANNEL', message: `cross-chain channel ${ch.cfg.name} of network ${ch.cfg.network}: ${message}` });
    /** A failure: reported once until a catch-up of this side succeeds again. */
    const fail = (message: string): false => {
      if (!ch.catchUpFailing[side]) warn(message);
      ch.catchUpFailing[side] = true;
      return false;
    };
    const adapter = this.feed.adapter(network);
    if (!adapter) return fail(`no reachable node of network ${network} to catch up blocks ${last + 1}..${height - 1}: tried again at the next block`);
    if (!ch.resumed[side]) {
      try {
        const [b] = last < height ? await adapter.blocks(last, last) : [];
        if (!b || b.hash !== lastHash) {
          this.bridge.record({ severity: 'notice', component: 'crosschain', msgId: 'CHANNEL',
            message: `cross-chain channel ${ch.cfg.name} of network ${ch.cfg.network}: block ${last} of network ${network} handled before is no longer on the chain (chain replaced): the channel starts afresh` });
          ch.reset();
          ch.resumed[side] = true;
          return true;
        }
      } catch (err) {
        return fail(`cannot check the last block handled on network ${network}: ${(err as Error).message}; tried again at the next block`);
      }
      ch.resumed[side] = true;
    }
    let from = last + 1;
    const to = height - 1;
    if (to < from) return true;
    if (to - from + 1 > MAX_CATCHUP_BLOCKS) {
      warn(`${to - from + 1} blocks of network ${network} missed; only the last ${MAX_CATCHUP_BLOCKS} are looked at`);
      from = to - MAX_CATCHUP_BLOCKS + 1;
    }
    if (!adapter.eventLogs) { warn(`network ${network} cannot be searched for the events of blocks ${from}..${to}`); return true; }
    const { contract, topic } = side === 'src'
      ? { contract: ch.cfg.sourceContract, topic: ch.cfg.sentTopic }
      : { contract: ch.cfg.destContract, topic: ch.cfg.receivedTopic };
    const at = this.now();
    // All chunks are read before any is counted: a failure part way counts nothing (and the retry would
    // count the first chunks again otherwise).
    const found: string[] = [];
    try {
      for (let f = from; f <= to; f += CATCHUP_CHUNK) {
        const logs = await adapter.eventLogs({ address: contract, topic0: topic, fromBlock: f, toBlock: Math.min(to, f + CATCHUP_CHUNK - 1) });
        for (const l of logs) if (l.topics.length >= 2) found.push(l.topics[1]);
      }
    } catch (err) {
      return fail(`catching up blocks ${from}..${to} of network ${network} failed: ${(err as Error).message}; tried again at the next block`);
    }
    ch.catchUpFailing[side] = false;
    for (const id of found) if (side === 'src') ch.sent(id, at); else ch.received(id, at);
    if (found.length) {
      this.bridge.record({ severity: 'info', component: 'crosschain', msgId: 'CHANNEL',
        message: `cross-chain channel ${ch.cfg.name} of network ${ch.cfg.network}: ${found.length} ${side === 'src' ? 'sent' : 'received'} event(s) caught up in blocks ${from}..${to} of network ${network}` });
    }
    return true;
  }

  private save(ch: Channel): void {
    const c = ch.takeChanges();
    this.store.save(ch.cfg.network, ch.cfg.name, ch.row, c.added, c.removed, c.clear);
  }

  private saveAll(): void {
    for (const ch of this.channels.values()) if (ch.dirty) this.save(ch);
  }
}
