/**
 * Runs every benchmark of bench/, one after the other, each as its own process, and prints one table:
 * benchmark, exit status, wall time and its figures (the last JSON object it printed, flattened, or else its
 * last line). Each benchmark's own output is shown as it runs, prefixed with its name.
 *
 *   npm run bench                           every benchmark with its default (full) arguments: slow
 *   node dist/bench/run.js --quick          small arguments: a smoke run of a few minutes
 *   node dist/bench/run.js [--quick] NAME…  only these benchmarks (names as in the table)
 *
 * A .js file of dist/bench that is not listed in BENCHMARKS is run too, with no arguments (skipped by --quick,
 * which only knows the small arguments of the listed ones). Helpers are listed in HELPERS.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Benchmark {
  readonly name: string;
  /** Arguments of the full run (the benchmark's defaults when empty) and of --quick. */
  readonly full: readonly string[];
  readonly quick: readonly string[];
  readonly nodeFlags?: readonly string[];
  /** The lines of its output that hold its figures, when it prints text rather than a JSON object. */
  readonly figures?: RegExp;
  /** Minutes after which a full run is killed (default 60). */
  readonly limitMinutes?: number;
}

export const BENCHMARKS: readonly Benchmark[] = [
  { name: 'collector', full: [], quick: ['10'], figures: /^(RPC calls per poll|at H)/ },
  { name: 'snmp-walk', full: [], quick: ['1'], figures: /^(agent|bcmgmt|snmpd|ratio) / },
  { name: 'netconf-get', full: [], quick: ['--iterations', '3'], figures: /^(\s+server side|\s+over SSH|<get> of one node|\s+subtree filter|\s+XPath filter)/ },
  { name: 'restconf-get', full: [], quick: ['--iterations', '3'], figures: /^\s+(GET|full GET|PATCH) / },
  { name: 'fault-pipeline', full: [], quick: ['100', '2'] },
  { name: 'fault-to-trap', full: [], quick: ['2'], figures: /^(round|\s+med|\s+max) / },
  { name: 'pm', full: [], quick: ['20', '50'], nodeFlags: ['--expose-gc'] },
  { name: 'tree-memory', full: [], quick: ['200', '20', '3'], nodeFlags: ['--expose-gc'], figures: /^\s+(heap|fill)/ },
  { name: 'restconf-stream', full: [], quick: ['4', '20'] },
  { name: 'restconf-write', full: [], quick: ['--iterations', '10'] },
  { name: 'consensus-alarms', full: [], quick: ['100', '20'], figures: /^(reference|\d+ validators)/ },
  { name: 'beacon', full: [], quick: ['10'], figures: /^(Beacon API calls per poll|following \d+ validators|real Lodestar)/ },
  { name: 'snmp-get-alloc', full: [], quick: ['--gets', '20000', '--nodes', '200'], figures: /^agent: / },
  { name: 'snmp-latency', full: [], quick: ['--seconds', '2', '--rounds', '1', '--warmup', '5', '--nodes', '200', '--polled', '200'] },
  { name: 'snmp-tail', full: [], quick: ['--seconds', '3', '--warmup', '5', '--polled', '200'], figures: /^(\d+ GETs|p45|p98|full <get>s)/ },
  { name: 'soak', full: [], limitMinutes: 75, quick: ['--minutes', '1', '--sample-seconds', '15', '--nodes', '200', '--polled', '200'] },
];

/** Files of dist/bench that are not benchmarks. */
const HELPERS = new Set(['run', 'devchain-process', 'beacon-api-process', 'recorded-node', 'record-responses', 'scale-load', 'netconf-client', 'snmp-poll', 'snmp-trace', 'synthetic-bridge', 'args', 'ipc', 'gc-monitor', 'loop-delay']);

interface Outcome { readonly name: string; readonly status: string; readonly seconds: number; readonly figures: string }

function flatten(o: unknown, prefix: string, out: string[]): void {
  if (o !== null && typeof o === 'object') {
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (typeof o === 'number') {
    out.push(`${prefix}=${Number.isInteger(o) ? o : o.toFixed(2)}`);
  } else if (o !== undefined) {
    out.push(`${prefix}=${String(o)}`);
  }
}

/**
 * The figures of a benchmark's output: the lines matching pick, else its last JSON object (flattened), else
 * its last non-empty line.
 */
export function figuresOf(output: string, pick?: RegExp): string {
  const picked = pick ? output.split('\n').filter((l) => pick.test(l)).map((l) => l.trim().replace(/\s{2,}/g, '  ')) : [];
  if (picked.length) return picked.join('; ');
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const text = output.trim();
  const candidates: string[] = [];
  // a JSON object may span lines (JSON.stringify(x, null, 2)): try from each '{' that starts a line
  for (let i = text.lastIndexOf('\n{'); ; i = text.lastIndexOf('\n{', i - 1)) {
    candidates.push(text.slice(i + 1));
    if (i <= 0) break;
  }
  if (text.startsWith('{')) candidates.push(text);
  for (const c of candidates) {
    try {
      const o = JSON.parse(c) as unknown;
      if (o && typeof o === 'object') { const out: string[] = []; flatten(o, '', out); return out.join(', '); }
    } catch { /* not JSON from there */ }
  }
  return lines[lines.length - 1] ?? '';
}

function runOne(b: Benchmark, quick: boolean, dir: string): Promise<Outcome> {
  const t0 = Date.now();
  const file = path.join(dir, `${b.name}.js`);
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [...(b.nodeFlags ?? []), file, ...(quick ? b.quick : b.full)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let partial = '';
    const show = (d: Buffer, keep: boolean): void => {
      const s = d.toString();
      if (keep) out += s;
      partial += s;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) process.stdout.write(`[${b.name}] ${l}\n`);
    };
    p.stdout.on('data', (d: Buffer) => show(d, true));
    p.stderr.on('data', (d: Buffer) => show(d, false));
    const limit = (quick ? 10 : b.limitMinutes ?? 60) * 60_000;
    const timer = setTimeout(() => p.kill('SIGKILL'), limit);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      if (partial) process.stdout.write(`[${b.name}] ${partial}\n`);
      const status = code === 0 ? 'ok' : signal ? `killed (${signal})` : `exit ${code}`;
      resolve({ name: b.name, status, seconds: (Date.now() - t0) / 1000, figures: figuresOf(out, b.figures) });
    });
  });
}

/** Words of text in lines of at most width characters. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const w of text.split(' ')) {
    if (cur && cur.length + 1 + w.length > width) { out.push(cur); cur = w; } else cur = cur ? `${cur} ${w}` : w;
  }
  return [...out, cur];
}

export function table(rows: readonly Outcome[], width = 160): string {
  const head = ['benchmark', 'status', 'time', 'figures'];
  const cells = rows.map((r) => [r.name, r.status, `${r.seconds.toFixed(1)} s`, r.figures]);
  const w = [0, 1, 2].map((i) => Math.max(head[i].length, ...cells.map((c) => c[i].length)));
  const room = Math.max(40, width - w[0] - w[1] - w[2] - 6);
  const line = (c: readonly string[]): string => [c[0].padEnd(w[0]), c[1].padEnd(w[1]), c[2].padStart(w[2]), c[3]].join('  ').trimEnd();
  const out = [line(head), line([...w.map((n) => '-'.repeat(n)), '-'.repeat(7)])];
  for (const c of cells) {
    const [first, ...more] = wrap(c[3], room);
    out.push(line([c[0], c[1], c[2], first]), ...more.map((m) => line(['', '', '', m])));
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
  const only = args.filter((a) => !a.startsWith('--'));
  const dir = __dirname;
  const present = fs.readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).filter((n) => !HELPERS.has(n));
  const known = new Set(BENCHMARKS.map((b) => b.name));
  const all: Benchmark[] = [...BENCHMARKS.filter((b) => present.includes(b.name)),
    ...present.filter((n) => !known.has(n)).sort().map((name) => ({ name, full: [], quick: [] }))];
  const unknownNames = only.filter((n) => !all.some((b) => b.name === n));
  if (unknownNames.length) throw new Error(`no benchmark ${unknownNames.join(', ')} (there are: ${all.map((b) => b.name).join(', ')})`);
  const chosen = only.length ? all.filter((b) => only.includes(b.name)) : all;
  const rows: Outcome[] = [];
  for (const b of chosen) {
    if (quick && !known.has(b.name)) { rows.push({ name: b.name, status: 'skipped', seconds: 0, figures: 'no quick arguments known (listed in bench/run.ts)' }); continue; }
    console.log(`\n== ${b.name}${quick ? ' (quick)' : ''}`);
    rows.push(await runOne(b, quick, dir));
  }
  console.log(`\n${table(rows, process.stdout.columns || 160)}`);
  if (rows.some((r) => r.status !== 'ok' && r.status !== 'skipped')) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((e: unknown) => { console.error(`bench: ${(e as Error).message}`); process.exit(2); });
}
