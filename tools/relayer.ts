#!/usr/bin/env node
/**
 * The demonstration relayer as a command:
 *   node dist/tools/relayer.js --from URL --to URL --sender ADDR --receiver ADDR [--account ADDR] [--from-block N]
 *                              [--state FILE] [--poll-ms MS]
 * Watches MessageSent of the Sender contract on the chain at --from and delivers each message to the
 * Receiver contract on the chain at --to (eth_sendTransaction from --account, or the node's first
 * account). The block cursor is kept in --state (default relayer-<sender>-<receiver>.json in the working
 * directory), so a restart resumes where the relayer stopped; --from-block overrides it. SIGUSR1 pauses,
 * SIGUSR2 resumes, SIGINT / SIGTERM stop. Progress goes to stdout.
 */
import { Relayer } from '../src/crosschain/relayer';
import type { RelayerOptions } from '../src/crosschain/relayer';

const USAGE = 'usage: relayer --from URL --to URL --sender ADDR --receiver ADDR [--account ADDR] [--from-block N] [--state FILE] [--poll-ms MS]';

/** The default state file: one per pair of contracts, in the working directory. */
export function defaultStateFile(sender: string, receiver: string): string {
  return `relayer-${sender.toLowerCase()}-${receiver.toLowerCase()}.json`;
}

function parse(argv: readonly string[]): RelayerOptions {
  const v: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (!k.startsWith('--') || i + 1 >= argv.length) throw new Error(`bad argument ${k}\n${USAGE}`);
    v[k.slice(2)] = argv[++i];
  }
  for (const k of ['from', 'to', 'sender', 'receiver']) if (!v[k]) throw new Error(`--${k} is required\n${USAGE}`);
  const int = (k: string): number | undefined => {
    if (v[k] === undefined) return undefined;
    const n = Number(v[k]);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${k} must be a non-negative integer`);
    return n;
  };
  return {
    from: v.from, to: v.to, sender: v.sender, receiver: v.receiver, account: v.account,
    fromBlock: int('from-block'), pollMs: int('poll-ms'), stateFile: v.state ?? defaultStateFile(v.sender, v.receiver),
    log: (l) => console.log(l),
  };
}

async function main(): Promise<void> {
  const opts = parse(process.argv.slice(2));
  const r = await Relayer.start(opts);
  console.log(`relayer: ${opts.sender} on ${opts.from} → ${opts.receiver} on ${opts.to}, from block ${r.stats().nextBlock}`);
  let last = 0;
  const report = setInterval(() => {
    const s = r.stats();
    if (s.delivered !== last) { last = s.delivered; console.log(`relayer: ${s.delivered} delivered, ${s.skipped} already delivered, next block ${s.nextBlock}`); }
  }, 5000);
  process.on('SIGUSR1', () => { r.pause(); console.log('relayer: paused'); });
  process.on('SIGUSR2', () => { r.resume(); console.log('relayer: resumed'); });
  const stop = async (): Promise<void> => {
    clearInterval(report);
    await r.stop();
    const s = r.stats();
    console.log(`relayer: stopped: ${s.delivered} delivered, next block ${s.nextBlock}`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  console.error(`relayer: ${(e as Error).message}`);
  process.exit(2);
});
