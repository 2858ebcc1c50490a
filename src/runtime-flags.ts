/**
 * The Node.js (V8) flags the bridge runs with: the one definition used by the `bcmgmt` command line
 * (src/cli.ts starts the bridge with them), `npm start` (which runs the command line) and the benchmarks'
 * bridge (bench/scale-load.ts). README, "Memory bounds", says why these flags and what they change.
 *
 * BCMGMT_NODE_FLAGS overrides them: `none` (or an empty value) runs the bridge with Node's defaults, any
 * other value is the list of flags to use instead (separated by spaces), e.g.
 * BCMGMT_NODE_FLAGS="--max-semi-space-size=4".
 *
 * This module is loaded before anything else by the command line: it imports nothing.
 */

/** The environment variable that replaces (or, with `none`, turns off) the default flags. */
export const NODE_FLAGS_ENV = 'BCMGMT_NODE_FLAGS';

/**
 * The default flags. None is a hard limit: the old generation keeps V8's own limit (a large configuration that
 * legitimately needs more heap gets it); only the young generation and the old generation's growth between full
 * collections are bounded. Chosen with bench/soak.ts and bench/snmp-latency.ts (README, "Memory bounds") under the
 * load of issue 16's target 3, 1,000 nodes x 20 peers.
 *   --max-semi-space-size=2    young generation at most 2 x 2 MB instead of 2 x 16 MB: short-lived garbage
 *                              (NETCONF reply chunks, SNMP PDUs, poll results) is scavenged every 2 MB of
 *                              allocation; with the <get> streamed from the tree little survives a scavenge.
 *   --heap-growing-percent=20  the old generation may grow by 20% of what survived the last full collection
 *                              before the next one, instead of V8's factor of up to 4x for a fast allocator.
 * Until 2026-12-04 --optimize-for-size was a third: it held the young generation at its smallest (1 MB in all,
 * whatever --max-semi-space-size says), so the bridge scavenged twice as often, and every scavenge is a pause the
 * SNMP agent waits behind. Without it the paced SNMP GET p99 against snmpd's was 1.03-1.22 instead of 1.49-2.10
 * in five alternated pairs, for 129-130 MB of RSS instead of 122-126; it had been kept for target 4 (<= 150 MB)
 * while the chain adapters' node:http client took about 12 MB more (a soak reached 150.4 MB then).
 * --max-semi-space-size=4 was no better for the tail (1.10-1.56 against 1.10-1.31, three pairs) at 3-8 MB more.
 */
export const DEFAULT_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--heap-growing-percent=20'];

/**
 * The environment the bridge runs with besides the flags (the C library reads it when the process starts):
 *   MALLOC_MMAP_THRESHOLD_=69632   glibc serves allocations above 64 KiB by their own mappings and unmaps them when
 *                                  freed, instead of letting its threshold rise and keeping them in arenas that
 *                                  never shrink. 64 KiB itself stays below it (65,552 bytes with malloc's header):
 *                                  that is the buffer Node.js allocates for every datagram the SNMP agent reads.
 *                                  At 32 KiB (the value until 2026-12-05) each such buffer was a mapping of its
 *                                  own whenever the socket thread's arena had no free block that size: an mmap and
 *                                  a munmap per GET, and the munmap interrupts the process's other CPUs to flush
 *                                  their TLBs (perf: smp_call_function_many_cond under munmap), about 14 us more
 *                                  of system time per GET; in the runs where it happened the agent's GET p99 came
 *                                  out level with snmpd's (bench/snmp-latency.ts, "system" of the socket thread;
 *                                  docs/scaling-measurements.md). The reads of the thousand node connections no
 *                                  longer allocate 64 KiB each (src/chains/http-pool.ts reads into one buffer).
 *                                  Its cost: blocks of 32-64 KiB come from the arenas. The full <get>'s 48 KB
 *                                  reply chunks were such blocks, a new one per chunk, and under the load of target
 *                                  3 the RSS moved by up to 7.4 MB between half-minute samples against 3.3 at 32768
 *                                  (one hour peaked at 150.1 MB). Since the chunks are lent from reused buffers
 *                                  (src/netconf/xml-chunks.ts) it moves by up to 1.8 MB; the SSH packets (about
 *                                  32 KB each, made by ssh2) still come from the arenas (docs/scaling-measurements.md,
 *                                  2026-12-05).
 * A variable the operator set is kept; with BCMGMT_NODE_FLAGS=none nothing is added.
 */
export const DEFAULT_NODE_ENV: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: '69632' };

/** The variables of DEFAULT_NODE_ENV to add to env (none when BCMGMT_NODE_FLAGS is none or empty, or already set). */
export function runtimeEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const v = env[NODE_FLAGS_ENV];
  if (v !== undefined && (v.trim() === '' || v.trim() === 'none')) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(DEFAULT_NODE_ENV)) if (env[k] === undefined) out[k] = x;
  return out;
}

/** The flags the bridge should run with, given the environment (BCMGMT_NODE_FLAGS). */
export function runtimeFlags(env: NodeJS.ProcessEnv = process.env): readonly string[] {
  const v = env[NODE_FLAGS_ENV];
  if (v === undefined) return DEFAULT_NODE_FLAGS;
  return parseNodeFlags(v);
}

/**
 * A list of flags as written by an operator ("none", "", or flags separated by spaces). Each must start with
 * "--": a value that does not is refused (it would be taken as the script to run).
 */
export function parseNodeFlags(text: string): readonly string[] {
  const t = text.trim();
  if (t === '' || t === 'none') return [];
  const flags = t.split(/\s+/);
  const bad = flags.find((f) => !f.startsWith('--'));
  if (bad !== undefined) throw new Error(`${NODE_FLAGS_ENV}: "${bad}" is not a Node.js flag (flags start with --; "none" turns them off)`);
  return flags;
}

/** The name of a flag without its value and with - and _ alike (V8 accepts both): --max_semi_space_size=2 -> --max-semi-space-size. */
function flagName(flag: string): string {
  const i = flag.indexOf('=');
  return (i < 0 ? flag : flag.slice(0, i)).replace(/_/g, '-');
}

/**
 * The flags of `wanted` that the running process does not have: a flag counts as present when the process
 * was started with the same flag name, whatever its value, on its command line or in NODE_OPTIONS (an
 * operator's own `node --max-semi-space-size=8 cli.js` is respected).
 */
export function missingFlags(wanted: readonly string[], execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? ''): string[] {
  const have = new Set([...execArgv, ...nodeOptions.split(/\s+/).filter((o) => o !== '')].map(flagName));
  return wanted.filter((f) => !have.has(flagName(f)));
}
