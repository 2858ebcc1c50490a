/**
 * The bridge process: one live instance tree, the collector that keeps it current, and the views and
 * management functions that read it. Everything is wired here and nowhere else.
 */
import type { ConfigObject } from './config/document';
import { networkSettings, rpcTimeoutMs } from './config/settings';
import { Collector } from './collector/collector';
import { modelIndex } from './model';
import { InstanceTree } from './state/tree';

export const VERSION: string = (require('../../package.json') as { version: string }).version;

export interface BridgeOptions {
  readonly config: ConfigObject;
  readonly dataDir: string;
  readonly log?: (line: string) => void;
}

export class Bridge {
  readonly tree = new InstanceTree();
  readonly collector: Collector;
  readonly startTime = Date.now();
  private config: ConfigObject;

  constructor(private readonly opts: BridgeOptions) {
    this.config = opts.config;
    this.collector = new Collector(this.tree, { rpcTimeoutMs: rpcTimeoutMs(opts.config) });
    this.tree.set([], { softwareVersion: VERSION, startTime: this.startTime, operState: 'disabled' });
    this.collector.on('error', (e) => this.log(`network ${e.network}: ${e.message}`));
  }

  private log(line: string): void { this.opts.log?.(line); }

  get configuration(): ConfigObject { return this.config; }

  /** Applies a validated configuration document at runtime. */
  applyConfig(doc: ConfigObject): void {
    const nets = networkSettings(doc);
    this.config = doc;
    this.collector.rpcTimeoutMs = rpcTimeoutMs(doc);
    this.collector.apply(nets);
  }

  async start(): Promise<void> {
    this.applyConfig(this.config);
    this.collector.start();
    this.tree.set([], { operState: 'enabled' });
  }

  async stop(): Promise<void> {
    this.tree.set([], { operState: 'disabled' });
    await this.collector.stop();
  }
}

export { modelIndex };
