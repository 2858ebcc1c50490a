/**
 * Prometheus (issue 14): the bridge's native /metrics, the generated snmp_exporter module, alerting rules
 * and example configuration (nms/prometheus/), checked by Debian's promtool and run by a real
 * prometheus-snmp-exporter 0.21 and a real Prometheus against a bridge watching three litecoind nodes.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { model, modelIndex } from '../../src/model';
import type { AlarmType } from '../../src/model';
import { createFaultManager } from '../../src/fault';
import { composeManagementViews } from '../../src/compose';
import type { NetconfView } from '../../src/netconf';
import { createSnmpView } from '../../src/snmp';
import type { SnmpView } from '../../src/snmp';
import { EXPOSITION_CONTENT_TYPE } from '../../src/http/metrics-encoder';
import { RECORD_CLASSES, classMetrics, metricFor } from '../../src/http/metrics-names';
import { prometheusArtifacts } from '../../tools/render/prometheus-artifacts';
import { startBridge } from '../support/bridge';
import type { TestBridge } from '../support/bridge';
import { LitecoinNetwork, requireLitecoind, waitFor } from '../support/litecoind';
import { READER, httpRequest, usersConfig } from '../support/netconf';
import { projectRoot, requireTool } from '../support/tools';
import { fillEveryMetric, freePort, httpGet, promAlerts, promQuery, runTool, startServer, tempDir } from './prometheus-support';
import type { Server } from './prometheus-support';

const DIR = path.join(projectRoot, 'nms', 'prometheus');

/** Sample lines of one metric in an exposition: labels text → value. */
function samplesOf(text: string, name: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (m && m[1] === name) out.set(m[2] ?? '', m[3]);
  }
  return out;
}

describe('Prometheus: generated files (nms/prometheus)', () => {
  it('are checked in as rendered from the model (npm run generate)', () => {
    for (const a of prometheusArtifacts(model)) {
      const p = path.join(projectRoot, a.file);
      expect(fs.existsSync(p), `${a.file} missing: run npm run generate`).to.equal(true);
      expect(fs.readFileSync(p, 'utf8') === a.text, `${a.file} is stale: run npm run generate`).to.equal(true);
    }
  });

  it('the snmp_exporter module has a metric for every MIB object that /metrics renders, under its MIB descriptor and OID', () => {
    const doc = YAML.parse(fs.readFileSync(path.join(DIR, 'snmp.yml'), 'utf8')) as { bcmgmt: { walk: string[]; metrics: { name: string; oid: string; indexes?: { labelname: string }[] }[] } };
    const byName = new Map(doc.bcmgmt.metrics.map((m) => [m.name, m]));
    let expected = 0;
    for (const c of classMetrics) {
      if (modelIndex.mibRendering(c.cls) === 'none') continue;
      for (const m of c.metrics) {
        if (m.attr.mib === false) continue;
        expected++;
        const d = modelIndex.mibDescriptor(c.cls, m.attr);
        expect(byName.get(d)?.oid, d).to.equal(modelIndex.attributeOid(c.cls, m.attr));
        expect((byName.get(d)?.indexes ?? []).map((i) => i.labelname), d).to.deep.equal(c.keys.map((k) => k.label));
        expect(doc.bcmgmt.walk.some((w) => `${byName.get(d)!.oid}.`.startsWith(`${w}.`)), `${d} is walked`).to.equal(true);
      }
    }
    expect(doc.bcmgmt.metrics.length).to.equal(expected);
    expect(expected).to.be.greaterThan(80);
  });

  it('the rules have one alert per alarm type, with its default severity', () => {
    const doc = YAML.parse(fs.readFileSync(path.join(DIR, 'bcmgmt-rules.yml'), 'utf8')) as { groups: { rules: { alert: string; labels: Record<string, string> }[] }[] };
    const rules = doc.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => [r.labels.alarm_type, r.labels.severity])).to.deep.equal(model.alarmTypes.map((t) => [t.name, t.defaultSeverity]));
  });

  it('promtool check config and check rules pass on them', async function () {
    requireTool(this, 'promtool', 'prometheus');
    const dir = tempDir('bcm-prom-check-');
    try {
      for (const f of fs.readdirSync(DIR)) fs.copyFileSync(path.join(DIR, f), path.join(dir, f));
      fs.writeFileSync(path.join(dir, 'bcmgmt-metrics.password'), 'secret\n');
      const config = await runTool('promtool', ['check', 'config', path.join(dir, 'prometheus.example.yml')]);
      expect(config.code, config.stdout + config.stderr).to.equal(0);
      expect(config.stdout).to.include('SUCCESS: 1 rule files found');
      const rules = await runTool('promtool', ['check', 'rules', path.join(DIR, 'bcmgmt-rules.yml')]);
      expect(rules.code, rules.stdout + rules.stderr).to.equal(0);
      expect(rules.stdout).to.include(`SUCCESS: ${model.alarmTypes.length} rules found`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('promtool test rules: a rule fires on either source, once when both are scraped, not below its level', async function () {
    requireTool(this, 'promtool', 'prometheus');
    const rulesFile = path.join(DIR, 'bcmgmt-rules.yml');
    const rules = (YAML.parse(fs.readFileSync(rulesFile, 'utf8')) as { groups: { rules: { alert: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[] }).groups[0].rules;
    /** The alert a rule should produce for the instance labels given (annotations with the labels filled in). */
    const alert = (name: string, labels: Record<string, string>): Record<string, unknown> => {
      const r = rules.find((x) => x.alert === name)!;
      const fill = (t: string): string => t.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, l: string) => labels[l] ?? '');
      return { exp_labels: { ...labels, ...r.labels }, exp_annotations: Object.fromEntries(Object.entries(r.annotations).map(([k, v]) => [k, fill(v)])) };
    };
    const at = (name: string): AlarmType => model.alarmTypes.find((t) => t.name === name)!;
    const lag = at('ledgerSyncLag').levels.defaultRaise;
    const pool = at('txPoolSaturation').levels.defaultRaise;
    const unit = {
      rule_files: [rulesFile],
      evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: [
          // nodeUnreachable from both sources of one node: one alert
          { series: `${metricFor('node', 'reachability').name}{job="bcmgmt-metrics",instance="h:8080",network="ltc",node="n2"}`, values: '2 3 3 3' },
          { series: `bcmNodeReachability{job="bcmgmt-snmp",instance="h:1161",network="ltc",node="n2"}`, values: '2 3 3 3' },
          { series: `bcmNodeReachability{job="bcmgmt-snmp",instance="h:1161",network="ltc",node="n1"}`, values: '2 2 2 2' },
          // ledgerSyncLag from the SNMP source only
          { series: `bcmNlsLag{job="bcmgmt-snmp",instance="h:1161",network="ltc",ledger="main",node="n1"}`, values: `0 ${lag} ${lag + 4} ${lag + 4}` },
          // txPoolSaturation one below its level: no alert
          { series: `${metricFor('txPool', 'pending').name}{job="bcmgmt-metrics",instance="h:8080",network="ltc",node="n0"}`, values: `${pool - 1}x3` },
          // alarm types without a metric condition: the bridge's alarm list, on /metrics and through SNMP
          { series: `${metricFor('alarm', 'isCleared').name}{job="bcmgmt-metrics",instance="h:8080",alarm="7",resource="network/ltc/ledger/main",type="blockProductionStalled"}`, values: '1 0 0 0' },
          { series: `bcmAlarmIsCleared{job="bcmgmt-snmp",instance="h:1161",alarm="8",resource="network/ltc",type_oid="${modelIndex.alarmTypeOid(at('consensusQuorumAtRisk'))}"}`, values: '1 2 2 2' },
        ],
        alert_rule_test: [
          { eval_time: '0m', alertname: 'BcmNodeUnreachable', exp_alerts: [] },
          { eval_time: '2m', alertname: 'BcmNodeUnreachable', exp_alerts: [alert('BcmNodeUnreachable', { network: 'ltc', node: 'n2' })] },
          { eval_time: '2m', alertname: 'BcmLedgerSyncLag', exp_alerts: [alert('BcmLedgerSyncLag', { network: 'ltc', ledger: 'main', node: 'n1' })] },
          { eval_time: '3m', alertname: 'BcmTxPoolSaturation', exp_alerts: [] },
          { eval_time: '2m', alertname: 'BcmBlockProductionStalled', exp_alerts: [alert('BcmBlockProductionStalled', { resource: 'network/ltc/ledger/main' })] },
          { eval_time: '2m', alertname: 'BcmConsensusQuorumAtRisk', exp_alerts: [alert('BcmConsensusQuorumAtRisk', { resource: 'network/ltc' })] },
        ],
      }],
    };
    const dir = tempDir('bcm-prom-unit-');
    try {
      fs.writeFileSync(path.join(dir, 'unit.yml'), YAML.stringify(unit));
      const r = await runTool('promtool', ['test', 'rules', path.join(dir, 'unit.yml')]);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.include('SUCCESS');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prometheus-snmp-exporter 0.21 accepts the module (--dry-run)', async function () {
    requireTool(this, 'prometheus-snmp-exporter', 'prometheus-snmp-exporter');
    const r = await runTool('prometheus-snmp-exporter', [`--config.file=${path.join(DIR, 'snmp.yml')}`, '--dry-run']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.include('Configuration parsed successfully');
  });
});

describe('Prometheus: GET /metrics', function () {
  this.timeout(60_000);
  let tb: TestBridge;
  let view: NetconfView;
  before(async () => {
    tb = await startBridge({ configuration: usersConfig() }, {
      setup: (b) => { view = composeManagementViews(b, { sshPort: 0, httpPort: 0, address: '127.0.0.1' }).netconf; },
    });
  });
  after(async () => { await tb?.cleanup(); });

  it('derives unique, valid metric and label names from the model', () => {
    const names = classMetrics.flatMap((c) => c.metrics.map((m) => m.name));
    expect(names.filter((n, i) => names.indexOf(n) !== i), 'duplicate metric names').to.deep.equal([]);
    for (const n of names) expect(n).to.match(/^bcm_[a-z0-9_]+$/);
    for (const c of classMetrics) {
      const labels = [...c.keys, ...c.identities].map((l) => l.label);
      expect(new Set(labels).size, `${c.cls.name} labels ${labels.join(', ')}`).to.equal(labels.length);
      for (const l of labels) expect(l).to.match(/^[a-z][a-z0-9_]*$/).and.not.to.be.oneOf(['job', 'instance', 'le', 'quantile']);
    }
  });

  it('asks for HTTP basic authentication like /netconf; a readOnly user may read it', async () => {
    const none = await httpGet(view.httpPort, '/metrics');
    expect(none.status).to.equal(401);
    expect((await httpGet(view.httpPort, '/metrics', { name: READER.name, password: 'wrong' })).status).to.equal(401);
    const ok = await httpGet(view.httpPort, '/metrics', READER);
    expect(ok.status).to.equal(200);
    expect(ok.type).to.equal(EXPOSITION_CONTENT_TYPE);
    const post = await httpRequest(view.httpPort, { method: 'POST', path: '/metrics', body: 'x', user: READER });
    expect([post.status, post.headers.allow]).to.deep.equal([405, 'GET']);
  });

  it('renders every metric of the model with HELP and TYPE, labelled by keys', async () => {
    fillEveryMetric(tb.bridge.tree);
    const r = await httpGet(view.httpPort, '/metrics', READER);
    for (const c of classMetrics) {
      for (const m of c.metrics) {
        expect(r.body, m.name).to.include(`# HELP ${m.name} ${m.attr.description.replace(/\n/g, '\\n')}`);
        expect(r.body, m.name).to.include(`# TYPE ${m.name} ${m.type}\n`);
        const labelled = [...samplesOf(r.body, m.name).keys()];
        // two instances of every class (one of the keyless containers of the root)
        expect(labelled.length, m.name).to.be.at.least(c.keys.length ? 2 : 1);
        for (const l of labelled) expect(l.match(/([a-z_]+)="/g) ?? [], `${m.name}${l}`).to.deep.equal([...c.keys, ...c.identities].map((k) => `${k.label}="`));
      }
    }
    const lines = r.body.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines.length).to.be.at.least(classMetrics.reduce((n, c) => n + c.metrics.length * (c.keys.length ? 2 : 1), 0));
    for (const rc of RECORD_CLASSES) expect(r.body).not.to.match(new RegExp(`^bcm_${rc.replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`)}_`, 'm'));
    // values: units scaled to base units, enumerations as their numbers, booleans 0/1, timestamps in seconds
    const latency = samplesOf(r.body, metricFor('node', 'rpcLatency').name);
    expect(latency.get('{network="k1",node="k1"}')).to.equal(String(2 / 1000));
    expect(samplesOf(r.body, metricFor('node', 'reachability').name).get('{network="k1",node="k1"}')).to.equal('2');
    expect(samplesOf(r.body, metricFor('node', 'stale').name).get('{network="k2",node="k2"}')).to.equal('1');
    expect(samplesOf(r.body, metricFor('node', 'lastObserved').name).get('{network="k1",node="k1"}')).to.equal(String(Date.UTC(2026, 0, 1) / 1000 + 1));
    expect(samplesOf(r.body, metricFor('node', 'rpcErrors').name).get('{network="k1",node="k1"}')).to.equal('1007');
    // identities of a row are labels; label values are escaped
    const alarm = samplesOf(r.body, metricFor('alarm', 'perceivedSeverity').name);
    expect([...alarm.keys()][0]).to.equal(`{alarm="2",resource="text 1 \\"quoted\\" \\\\ back\\nslash",type="${model.alarmTypes[1].name}"}`);
  });

  it('promtool check metrics finds nothing to say about it (names, units, suffixes, HELP)', async function () {
    requireTool(this, 'promtool', 'prometheus');
    const r = await httpGet(view.httpPort, '/metrics', READER);
    expect(samplesOf(r.body, metricFor('node', 'height').name).size).to.be.at.least(2);
    const lint = await runTool('promtool', ['check', 'metrics'], r.body);
    expect(lint.code, lint.stdout + lint.stderr).to.equal(0);
    expect(lint.stdout + lint.stderr).to.equal('');
  });

  it('leaves absent values absent', async () => {
    const p = [{ cls: 'network', keys: ['k1'] }, { cls: 'node', keys: ['k1'] }];
    tb.bridge.tree.set(p, { height: undefined });
    const r = await httpGet(view.httpPort, '/metrics', READER);
    const heights = samplesOf(r.body, metricFor('node', 'height').name);
    expect(heights.has('{network="k1",node="k1"}')).to.equal(false);
    expect(heights.get('{network="k2",node="k2"}')).to.equal('2007');
  });
});

describe('Prometheus and snmp_exporter against a bridge watching litecoind', function () {
  this.timeout(240_000);
  let net: LitecoinNetwork | undefined;
  let tb: TestBridge | undefined;
  let snmpView: SnmpView;
  let ncView: NetconfView;
  let exporter: Server | undefined;
  let prom: Server | undefined;
  let dir = '';

  before(async function () {
    requireLitecoind(this);
    requireTool(this, 'prometheus', 'prometheus');
    requireTool(this, 'promtool', 'prometheus');
    requireTool(this, 'prometheus-snmp-exporter', 'prometheus-snmp-exporter');
    dir = tempDir('bcm-prom-');
    net = await LitecoinNetwork.start({ nodes: 3 });
    await net.mine(0, 12);
    await net.waitForSameTip();
    tb = await startBridge({
      configuration: { ...usersConfig(), rpcTimeout: 2000 },
      networks: [{
        name: 'ltc', platform: 'bitcoin', pollInterval: 1,
        nodes: net.bridgeNodes('BCMGMT_PROM_TEST_LTC_PASSWORD'),
      }],
      fault: { alarmPolicies: [{ type: 'blockProductionStalled', enabled: false }] },
    }, {
      setup: (b) => {
        snmpView = createSnmpView(b, { port: 0, address: '127.0.0.1' });
        b.addView(snmpView);
        ncView = composeManagementViews(b, { sshPort: 0, httpPort: 0, address: '127.0.0.1' }).netconf;
        b.addView(createFaultManager(b));
      },
    });
    await waitFor('all nodes reachable', () => [0, 1, 2].every((i) => tb!.bridge.tree.find([{ cls: 'network', keys: ['ltc'] }, { cls: 'node', keys: [`n${i}`] }])?.get('reachability') === 'reachable'), 20_000);

    // the exporter with the generated module as shipped (community public, the bridge's default)
    const exporterPort = await freePort();
    exporter = startServer('prometheus-snmp-exporter', [`--config.file=${path.join(DIR, 'snmp.yml')}`, `--web.listen-address=127.0.0.1:${exporterPort}`], exporterPort);
    await waitFor('snmp_exporter listening', async () => (await httpGet(exporterPort, '/')).status === 200, 20_000, 200);

    // prometheus with the example configuration, pointed at this bridge and exporter, short intervals
    const example = YAML.parse(fs.readFileSync(path.join(DIR, 'prometheus.example.yml'), 'utf8')) as {
      global: Record<string, string>; rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[]; basic_auth?: Record<string, string>; relabel_configs?: { replacement?: string }[] }[];
    };
    example.global = { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' };
    example.rule_files = [path.join(DIR, 'bcmgmt-rules.yml')];
    for (const job of example.scrape_configs) {
      if (job.basic_auth) {
        fs.writeFileSync(path.join(dir, 'bcmgmt-metrics.password'), READER.password);
        job.basic_auth = { username: READER.name, password_file: path.join(dir, 'bcmgmt-metrics.password') };
        job.static_configs = [{ targets: [`127.0.0.1:${ncView.httpPort}`] }];
      } else {
        job.static_configs = [{ targets: [`127.0.0.1:${snmpView.port}`] }];
        for (const r of job.relabel_configs ?? []) if (r.replacement) r.replacement = `127.0.0.1:${exporterPort}`;
      }
    }
    const config = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(config, YAML.stringify(example));
    const promPort = await freePort();
    prom = startServer('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'], promPort);
    await waitFor('prometheus ready', async () => (await httpGet(promPort, '/-/ready')).status === 200, 60_000, 250);
  });

  after(async function () {
    this.timeout(60_000);
    await prom?.stop();
    await exporter?.stop();
    await tb?.cleanup();
    await net?.stopAll();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('promtool check metrics passes on a scrape of the live /metrics', async () => {
    const r = await httpGet(ncView.httpPort, '/metrics', READER);
    expect(r.body).to.match(/^bcm_node_height\{network="ltc",node="n0"\} \d+$/m);
    const lint = await runTool('promtool', ['check', 'metrics'], r.body);
    expect(lint.code, lint.stdout + lint.stderr).to.equal(0);
  });

  it('the exporter labels the SNMP tables with network and node names', async () => {
    const r = await httpGet(exporter!.port, `/snmp?module=bcmgmt&target=127.0.0.1:${snmpView.port}`);
    expect(r.status, r.body).to.equal(200);
    const height = await net!.rpc<number>(0, 'getblockcount');
    expect(r.body).to.match(new RegExp(`^bcmNodeHeight\\{network="ltc",node="n0"\\} ${height}$`, 'm'));
    expect(r.body).to.match(/^bcmNlsLag\{ledger="main",network="ltc",node="n2"\} 0$/m);
    expect(r.body).to.match(/^bcmAlarmInvDefaultSeverity\{type="nodeUnreachable"\} 4$/m);
    // a decimal string (the pool's minimum fee rate) is parsed into a number
    const fee = tb!.bridge.tree.find([{ cls: 'network', keys: ['ltc'] }, { cls: 'node', keys: ['n0'] }, { cls: 'txPool' }])?.get('minFeeRate');
    expect(fee, 'minFeeRate polled').to.match(/^\d+$/);
    expect(r.body).to.match(new RegExp(`^bcmPoolMinFeeRate\\{network="ltc",node="n0"\\} ${fee}$`, 'm'));
  });

  it('a query for a node\'s height answers getblockcount, from the exporter and from /metrics', async () => {
    await net!.mine(1, 3);
    await net!.waitForSameTip();
    const height = await net!.rpc<number>(0, 'getblockcount');
    const port = prom!.port;
    const bothAt = async (): Promise<string[]> => {
      const a = await promQuery(port, 'bcm_node_height{network="ltc",node="n0"}');
      const b = await promQuery(port, 'bcmNodeHeight{network="ltc",node="n0"}');
      return [...a, ...b].map((s) => `${s.metric.job} ${s.value[1]}`).sort();
    };
    await waitFor(`both sources at height ${height}`, async () => {
      const got = await bothAt();
      return got.length === 2 && got.every((g) => g.endsWith(` ${height}`));
    }, 30_000, 500);
    expect(await bothAt()).to.deep.equal([`bcmgmt-metrics ${height}`, `bcmgmt-snmp ${height}`]);
  });

  it('stopping a litecoind node fires BcmNodeUnreachable (severity major) once, and restarting it resolves the alert', async () => {
    const port = prom!.port;
    const nodeAlerts = async (): Promise<string[]> => (await promAlerts(port))
      .filter((a) => a.labels.alertname === 'BcmNodeUnreachable')
      .map((a) => `${a.labels.network}/${a.labels.node} ${a.labels.severity} ${a.state}`);
    expect(await nodeAlerts()).to.deep.equal([]);
    const t0 = Date.now();
    await net!.stop(2);
    await waitFor('BcmNodeUnreachable firing for n2', async () => (await nodeAlerts()).includes('ltc/n2 major firing'), 60_000, 250);
    const fired = Date.now() - t0;
    expect(await nodeAlerts()).to.deep.equal(['ltc/n2 major firing']);
    // the exporter's alarm rows carry the alarmed resource through a lookup
    const row = `network/ltc/node/n2 ${modelIndex.alarmTypeOid(model.alarmTypes.find((t) => t.name === 'nodeUnreachable')!)}`;
    await waitFor(`an active alarm row ${row} through the exporter`, async () => (await promQuery(port, 'bcmAlarmIsCleared == 2'))
      .some((x) => `${x.metric.resource} ${x.metric.type_oid}` === row), 30_000, 250);
    await net!.start(2);
    await waitFor('BcmNodeUnreachable resolved', async () => (await nodeAlerts()).length === 0, 60_000, 250);
    console.log(`      alert fired ${fired} ms after the node stopped (poll 1 s, scrape 1 s, evaluation 1 s); resolved ${Date.now() - t0 - fired} ms after the restart began`);
  });
});
