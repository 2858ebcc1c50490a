/** Helpers of the fault management tests: temporary data dirs, bridges, notice collection. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Bridge } from '../../src/bridge';
import type { ConfigObject } from '../../src/config/document';
import type { AlarmNotice } from '../../src/events';
import type { Instance } from '../../src/state/tree';

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `bcmgmt-fault-${tag}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A notice as recorded at the time it was sent (the instance's values change later). */
export interface SeenNotice {
  readonly change: AlarmNotice['change'];
  readonly index: number;
  readonly resource: string;
  readonly type: string;
  readonly qualifier: string;
  readonly severity: string;
  readonly text: string;
  readonly time: number;
  /** When the test saw it (Date.now()). */
  readonly seenAt: number;
}

export function snapshot(n: AlarmNotice): SeenNotice {
  const a: Instance = n.alarm;
  return {
    change: n.change, index: Number(a.get('index')), resource: String(a.get('resource')), type: String(a.get('type')),
    qualifier: String(a.get('typeQualifier') ?? ''), severity: String(a.get('perceivedSeverity')), text: String(a.get('alarmText')),
    time: n.time, seenAt: Date.now(),
  };
}

/** Records every alarm notice of a bridge. */
export class NoticeLog {
  readonly seen: SeenNotice[] = [];
  private readonly listener = (n: AlarmNotice): void => { this.seen.push(snapshot(n)); };
  constructor(private readonly bridge: Bridge) { bridge.on('alarm', this.listener); }
  detach(): void { this.bridge.off('alarm', this.listener); }
  of(type: string, resource?: string, change?: AlarmNotice['change']): SeenNotice[] {
    return this.seen.filter((n) => n.type === type && (resource === undefined || n.resource === resource) && (change === undefined || n.change === change));
  }
  /** Waits until a notice matching the filter arrives (or was already seen at or after index from). */
  async waitFor(what: string, pred: (n: SeenNotice) => boolean, timeoutMs = 20000, from = 0): Promise<SeenNotice> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.seen.slice(from).find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; notices seen: ${JSON.stringify(this.seen.map((s) => `${s.change} ${s.type} ${s.resource}`))}`);
      }
      await sleep(50);
    }
  }
}

export function makeBridge(dataDir: string, seed: ConfigObject, logs?: string[]): Bridge {
  return new Bridge({ dataDir, seed, log: (l) => { logs?.push(l); if (process.env.BCMGMT_TEST_LOG === '1') console.log(`      [bridge] ${l}`); } });
}
