/**
 * No request stalls the bridge (issue 12 item 3). A bridge with the SNMP and NETCONF views, in this process,
 * receives the hostile requests a read-only user could send, over HTTP and over SSH: a <validate> of 15,000
 * log targets, an element with 80,000 attributes, 20,000 namespace declarations, XPath filters that walk the
 * tree once per node or union thousands of terms, a subtree filter of 20,000 siblings, deep nesting. Each gets
 * its rpc-error (a subtree filter naming 20,000 peers by key too: the part of the tree built for a filter is never more
 * than the tree), and while they run Net-SNMP's snmpget of sysUpTime.0, with a 100 ms timeout and no retry,
 * keeps getting its answer. The event-loop delay during the run is measured with monitorEventLoopDelay and
 * printed with the time of each request.
 *
 * On a machine whose CPUs are oversubscribed (load average over twice the CPU count: several test runs at once
 * on two cores), the process itself is not scheduled for tens of milliseconds at a time even when idle; there
 * a tenth of the snmpgets may time out, and the event-loop delay must stay under 500 ms (before the fixes,
 * single requests held it for 3 to 33 s). Otherwise the event-loop delay stays under 100 ms and snmpget answers
 * within 100 ms (one time-out is allowed to the client process's own scheduling, since the loop was never held).
 */
import { expect } from 'chai';
import * as os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';
import { createSnmpView } from '../../src/snmp';
import type { SnmpView } from '../../src/snmp';
import { BCM, NC, RawNetconf, READER, chunk, fillSynthetic, httpRequest, rpc, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';
import { run } from '../support/snmp';
import { requireTool } from '../support/tools';

/** A hostile request, the rpc-error it must get (a pattern of the reply), and its size for the log. */
interface Hostile { readonly name: string; readonly body: string; readonly expect: RegExp }

const logTargets = (n: number): string =>
  Array.from({ length: n }, (_, i) => `<log-target><name>t${i}</name><host>h${i % 10}</host></log-target>`).join('');

function hostileRequests(): Hostile[] {
  const attrs = Array.from({ length: 80_000 }, (_, i) => ` a${i}=""`).join('');
  const decls = Array.from({ length: 20_000 }, (_, i) => ` xmlns:p${i}="urn:x:${i}"`).join('');
  const union2000 = Array.from({ length: 2000 }, (_, i) => `//bcm:node[bcm:name='node${i}']`).join(' | ');
  const union600 = Array.from({ length: 600 }, () => '//bcm:peer').join('|');
  const siblings = '<node><name/><height/></node>'.repeat(20_000);
  // every peer named by key, in every node: the data built for the filter (its projection) stays within the tree
  const keyedPeers = `<node>${Array.from({ length: 20_000 }, (_, i) => `<peer><index>${i + 1}</index></peer>`).join('')}</node>`;
  const xpath = (select: string): string => `<get><filter type="xpath" xmlns:bcm="${BCM}" select="${select}"/></get>`;
  return [
    { name: 'validate of 15,000 log targets', body: rpc(1, `<validate><source><config><managed-system xmlns="${BCM}"><log>${logTargets(15_000)}</log></managed-system></config></source></validate>`),
      expect: /<error-tag>operation-failed<\/error-tag>[^]*<error-app-tag>too-many-elements<\/error-app-tag>[^]*<error-path[^>]*>\/bcm:managed-system\/bcm:log\/bcm:log-target<\/error-path>/ },
    { name: '<get> with 80,000 attributes', body: `<rpc message-id="2" xmlns="${NC}"><get${attrs}/></rpc>`, expect: /<error-tag>malformed-message<\/error-tag>[^]*more than 64 attributes/ },
    { name: '20,000 namespace declarations', body: `<rpc message-id="3" xmlns="${NC}"><get${decls}/></rpc>`, expect: /<error-tag>malformed-message<\/error-tag>[^]*more than 64 attributes/ },
    { name: '20,000 elements declaring a prefix each', body: rpc(10, `<get><filter>${Array.from({ length: 20_000 }, (_, i) => `<p${i}:a xmlns:p${i}="urn:x:${i}"/>`).join('')}</filter></get>`),
      expect: /<error-tag>malformed-message<\/error-tag>[^]*more than 4096 namespace declarations/ },
    { name: 'XPath //*[count(//*) > 0]', body: rpc(4, xpath('//*[count(//*) &gt; 0]')),
      expect: /<error-tag>operation-failed<\/error-tag>[^]*<error-app-tag>filter-step-budget<\/error-app-tag>/ },
    { name: 'XPath union of 2,000 terms', body: rpc(5, xpath(union2000)), expect: /<error-tag>too-big<\/error-tag>[^]*<bad-attribute>select<\/bad-attribute>/ },
    { name: 'XPath union of 600 descendant walks', body: rpc(6, xpath(union600)), expect: /<error-tag>operation-failed<\/error-tag>[^]*filter-step-budget/ },
    { name: 'subtree filter of 20,000 siblings', body: rpc(7, `<get><filter type="subtree"><managed-system xmlns="${BCM}"><network>${siblings}</network></managed-system></filter></get>`),
      expect: /<error-tag>operation-failed<\/error-tag>[^]*filter-step-budget/ },
    { name: 'subtree filter naming 20,000 peers by key in every node', body: rpc(11, `<get><filter type="subtree"><managed-system xmlns="${BCM}"><network>${keyedPeers}</network></managed-system></filter></get>`),
      expect: /<error-tag>operation-failed<\/error-tag>[^]*filter-step-budget/ },
    { name: 'elements nested 10,000 deep', body: rpc(8, `<get><filter>${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</filter></get>`),
      expect: /<error-tag>malformed-message<\/error-tag>[^]*nested deeper than 128/ },
  ];
}

describe('NETCONF: no request stalls the bridge (SNMP keeps answering)', function () {
  this.timeout(300_000);
  let nb: NetconfBridge;
  let snmpView: SnmpView;
  before(async function () {
    requireTool(this, 'snmpget', 'snmp');
    nb = await startNetconfBridge({}, {
      setup: (b) => {
        snmpView = createSnmpView(b, { port: 0, address: '127.0.0.1' });
        b.addView(snmpView);
      },
    });
    // ~3,000 data nodes: enough for "//*[count(//*) > 0]" to need millions of steps
    fillSynthetic(nb.bridge.tree, 2, 10, 10);
    // Compile the code paths once (V8 compiles a function on its first runs, a one-off cost per process, not
    // per request): the same kinds of requests, harmless and accepted.
    for (let i = 0; i < 3; i++) {
      for (const body of [
        rpc(`w${i}a`, `<get><filter type="xpath" xmlns:bcm="${BCM}" select="//bcm:node[bcm:height &gt; 5]/bcm:name | //bcm:peer[bcm:index = 2]"/></get>`),
        rpc(`w${i}b`, `<get><filter type="subtree"><managed-system xmlns="${BCM}"><network><node><name/><height/></node></network></managed-system></filter></get>`),
        rpc(`w${i}c`, `<validate><source><config><managed-system xmlns="${BCM}"><log>${logTargets(64)}</log></managed-system></config></source></validate>`),
      ]) {
        const r = await httpRequest(nb.httpPort, { body, user: READER });
        expect(r.body, 'warm-up request').not.to.include('<rpc-error>');
      }
      const g = await run('snmpget', ['-v2c', '-c', 'public', '-On', `127.0.0.1:${snmpView.port}`, '1.3.6.1.2.1.1.3.0']);
      expect(g.stdout, 'warm-up snmpget').to.include('Timeticks');
    }
  });
  after(async () => { await nb?.cleanup(); });

  /** snmpget sysUpTime.0 with a 100 ms timeout and no retry, in a loop until stopped; the failures. */
  function pollSnmp(): { stop: () => Promise<{ ok: number; failures: string[] }> } {
    let running = true;
    let ok = 0;
    const failures: string[] = [];
    const loop = (async () => {
      while (running) {
        const r = await run('snmpget', ['-v2c', '-c', 'public', '-t', '0.1', '-r', '0', '-On', `127.0.0.1:${snmpView.port}`, '1.3.6.1.2.1.1.3.0'], { timeoutMs: 10_000 });
        if (r.code === 0 && /Timeticks/.test(r.stdout)) ok++;
        else failures.push(`${new Date().toISOString()} exit ${r.code}: ${r.stdout}${r.stderr}`.trim());
      }
    })();
    return { stop: async () => { running = false; await loop; return { ok, failures }; } };
  }

  async function overSsh(h: Hostile): Promise<string> {
    const s = await RawNetconf.connect(nb.sshPort, READER);
    try {
      await s.waitFor(/<\/hello>\]\]>\]\]>/);
      s.hello(true);
      s.write(chunk(h.body));
      return await s.waitFor(/<rpc-reply[^]*?<\/rpc-reply>/, 60_000);
    } finally { s.close(); }
  }

  async function overHttp(h: Hostile): Promise<string> {
    const r = await httpRequest(nb.httpPort, { body: h.body, user: READER });
    expect(r.status, `${h.name}: HTTP status`).to.equal(200);
    return r.body;
  }

  function report(label: string, hist: IntervalHistogram, snmp: { ok: number; failures: string[] }): void {
    console.log(`      ${label}: event-loop delay max ${(hist.max / 1e6).toFixed(1)} ms, p99 ${(hist.percentile(99) / 1e6).toFixed(1)} ms, ` +
      `mean ${(hist.mean / 1e6).toFixed(1)} ms; snmpget answered ${snmp.ok}, failed ${snmp.failures.length}`);
  }

  for (const transport of ['HTTP', 'SSH'] as const) {
    it(`each hostile request of a read-only user over ${transport} gets its rpc-error while snmpget keeps answering within 100 ms`, async () => {
      const hist = monitorEventLoopDelay({ resolution: 5 });
      const snmp = pollSnmp();
      hist.enable();
      const timings: string[] = [];
      try {
        for (const h of hostileRequests()) {
          const t0 = process.hrtime.bigint();
          const reply = transport === 'HTTP' ? await overHttp(h) : await overSsh(h);
          timings.push(`${h.name} (${(Buffer.byteLength(h.body) / 1024).toFixed(0)} KB): ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms, ` +
            `event-loop delay max so far ${(hist.max / 1e6).toFixed(0)} ms`);
          expect(reply, h.name).to.match(h.expect);
        }
        // a few more polls after the last request
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        hist.disable();
        const result = await snmp.stop();
        report(transport, hist, result);
        for (const t of timings) console.log(`        ${t}`);
        expect(result.ok, 'snmpget answers during the run').to.be.greaterThan(3);
        const overloaded = os.loadavg()[0] > 2 * os.cpus().length;
        if (!overloaded) {
          // The bridge's own share: its event loop never held an answer back 100 ms. A single snmpget time-out
          // with the loop never delayed that long is the client process's scheduling on a shared machine, not
          // the bridge; more than one fails.
          expect(hist.max / 1e6, 'event-loop delay (ms)').to.be.below(100);
          expect(result.failures.length, `snmpget sysUpTime.0 with a 100 ms timeout: ${result.failures.join('; ')}`).to.be.at.most(1);
        } else {
          console.log(`      load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs: a tenth of the snmpgets may time out`);
          expect(result.failures.length, `snmpget timeouts: ${result.failures.join('; ')}`).to.be.at.most(Math.floor((result.ok + result.failures.length) / 10));
          expect(hist.max / 1e6, 'event-loop delay (ms)').to.be.below(500);
        }
      }
    });
  }

  it('the bridge still serves a read-only <get> with an XPath filter after all of it', async () => {
    const r = await httpRequest(nb.httpPort, { body: rpc(9, `<get><filter type="xpath" xmlns:bcm="${BCM}" select="/bcm:managed-system/bcm:network[bcm:name='net1']/bcm:node[bcm:name='node3']/bcm:height"/></get>`), user: READER });
    expect(r.body).to.match(/<node><name>node3<\/name><height>123456<\/height><\/node>/);
  });
});
