/**
 * Memory of full NETCONF <get>s of 1,000 nodes x 20 peers: the reply built whole (the DNode path: /managed-system
 * built in slices, written in slices into one string, framed, written to the transport at once: what main does)
 * against the reply streamed (Handled.stream: written straight from the tree in chunks, each framed and written
 * when the transport has taken the last one).
 *
 *   node --expose-gc dist/bench/netconf-get-memory.js [--mode built|streamed] [--gets 30]
 *
 * Each mode runs in its own process (RSS only grows within one); without --mode both are run, one after the other,
 * as child processes. The transport is a loopback TCP connection whose reader discards what it reads (chunked
 * framing, as a base:1.1 SSH session frames it, without the SSH encryption). Reported per mode, over the gets in
 * sequence: bytes allocated on the JS heap (from the GC profiler: what each collection freed, plus what is left),
 * peak heap used and total heap size (sampled on every event-loop turn and every chunk), peak RSS, and the reply
 * time (request to last byte written) median and max. Figures only: no assertion.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import * as v8 from 'node:v8';
import { encodeFrame, frameEnd, framePieceParts } from '../src/netconf/framing';
import { managedSystemNodeAsync } from '../src/netconf/render';
import { dataAsync } from '../src/netconf/reply';
import type { Session } from '../src/netconf/server';
import { parseXml } from '../src/netconf/xml';
import { rpc } from '../test/support/netconf';
import { fmt, stats, syntheticBridge } from './synthetic-bridge';

const NODES = 1000;
const PEERS = 20;
type Mode = 'built' | 'streamed';

interface Peaks { heapUsed: number; heapTotal: number; rss: number }

function sample(p: Peaks): void {
  const h = v8.getHeapStatistics();
  p.heapUsed = Math.max(p.heapUsed, h.used_heap_size);
  p.heapTotal = Math.max(p.heapTotal, h.total_heap_size);
  p.rss = Math.max(p.rss, process.memoryUsage.rss());
}

/** Writes buf, waiting for the socket to take it when its buffer is full. */
async function write(sock: Socket, buf: Buffer): Promise<void> {
  if (!sock.write(buf)) await once(sock, 'drain');
}

async function run(mode: Mode, gets: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const synthetic = await syntheticBridge(NODES, PEERS);
  const server = synthetic.view.rpc;
  const session: Session = server.openSession({ name: 'admin', role: 'admin', publicKeys: [] }, 'ssh', '127.0.0.1', { send: () => undefined, close: () => undefined });
  session.base11 = true;
  // the client: reads and discards
  let received = 0;
  const sink = createServer((s) => { s.on('data', (d: Buffer) => { received += d.length; }); });
  sink.listen(0, '127.0.0.1');
  await once(sink, 'listening');
  const sock = createConnection((sink.address() as AddressInfo).port, '127.0.0.1');
  await once(sock, 'connect');

  const oneGet = async (i: number, peaks: Peaks): Promise<void> => {
    const msg = rpc(`m${i}`, '<get/>');
    if (mode === 'built') {
      // main's <get>: built in slices, written in slices into one string, framed whole, handed to the transport
      const built = await managedSystemNodeAsync(synthetic.bridge.tree.root, synthetic.bridge.datastore.get('running'), { state: true, withDefaults: 'explicit' });
      const h = await dataAsync(parseXml(msg), server.getNodes(undefined, 'explicit', built));
      sample(peaks);
      await write(sock, encodeFrame(h.reply!, 'chunked'));
    } else {
      const h = await server.handleMessage(session, msg);
      if (!h.stream) throw new Error('the unfiltered <get> is not streamed');
      // as the SSH transport writes it: the chunk header, then the chunk as it is
      for await (const c of h.stream) { sample(peaks); for (const part of framePieceParts(c, 'chunked')) await write(sock, part); }
      await write(sock, frameEnd('chunked'));
    }
  };

  await oneGet(0, { heapUsed: 0, heapTotal: 0, rss: 0 }); // warm-up
  gc();
  const base = { heapUsed: v8.getHeapStatistics().used_heap_size, heapTotal: v8.getHeapStatistics().total_heap_size, rss: process.memoryUsage.rss() };
  const peaks: Peaks = { ...base };
  let sampling = true;
  const tick = (): void => { if (sampling) { sample(peaks); setImmediate(tick); } };
  setImmediate(tick);
  const profiler = new v8.GCProfiler();
  profiler.start();
  const ms: number[] = [];
  const before = received;
  for (let i = 1; i <= gets; i++) {
    const t = process.hrtime.bigint();
    await oneGet(i, peaks);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const usedAtEnd = v8.getHeapStatistics().used_heap_size;
  const report = profiler.stop();
  sampling = false;
  let freed = 0;
  for (const s of report.statistics) freed += Math.max(0, s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize);
  const allocated = freed + usedAtEnd - base.heapUsed;
  while (received - before < 1) await new Promise((r) => setTimeout(r, 10));
  const MB = (x: number): string => (x / 1048576).toFixed(1);
  const t = stats(ms);
  console.log(`${mode}: ${gets} full <get>s of ${NODES} nodes x ${PEERS} peers, ${MB((received - before) / gets)} MiB each on the wire`);
  console.log(`  JS heap allocated  ${MB(allocated)} MiB in all, ${MB(allocated / gets)} MiB per <get> (${report.statistics.length} GCs)`);
  console.log(`  heap used          ${MB(base.heapUsed)} MiB after GC before, peak ${MB(peaks.heapUsed)} MiB (+${MB(peaks.heapUsed - base.heapUsed)})`);
  console.log(`  total heap size    ${MB(base.heapTotal)} MiB before, peak ${MB(peaks.heapTotal)} MiB (+${MB(peaks.heapTotal - base.heapTotal)})`);
  console.log(`  RSS                ${MB(base.rss)} MiB before, peak ${MB(peaks.rss)} MiB (+${MB(peaks.rss - base.rss)})`);
  console.log(`  reply time         median ${fmt(t.median)} ms, max ${fmt(t.max)} ms (request to last byte written)`);
  console.log(JSON.stringify({ mode, gets, nodes: NODES, peers: PEERS, allocatedBytes: allocated, gcs: report.statistics.length, base, peaks, replyMs: t }));
  sock.destroy();
  sink.close();
  server.closeSession(session, 'bench done');
  await synthetic.stop();
}

async function main(): Promise<void> {
  const arg = (name: string): string | undefined => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
  const gets = Number(arg('--gets') ?? 30);
  const mode = arg('--mode');
  if (mode === 'built' || mode === 'streamed') { await run(mode, gets); return; }
  if (mode !== undefined) throw new Error(`--mode ${mode}: built or streamed`);
  for (const m of ['built', 'streamed']) {
    const r = spawnSync(process.execPath, ['--expose-gc', __filename, '--mode', m, '--gets', String(gets)], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${m} run failed`);
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
