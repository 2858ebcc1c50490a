/**
 * The YANG module rendered from the model: deterministic, checked in, compiled by libyang's yanglint without
 * a word, carrying the MIB OIDs (RFC 6643), and accepting operational and configuration data in NMDA style.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseStringPromise } from 'xml2js';
import { mibAttributes, model, modelIndex, type InformationModel, type ObjectClass } from '../../src/model';
import { T, config, state } from '../../src/model/common';
import { renderYang } from '../../tools/render/yang';
import { STANDARD_MODULES } from '../../tools/render/yang-standard';
import { projectRoot, requireTool } from '../support/tools';

const yangDir = path.join(projectRoot, 'yang');
const rendered = renderYang(model);
const modulePath = path.join(yangDir, rendered.fileName);
const yuma = '/usr/share/yuma/modules/ietf';

interface Run { status: number | null; stdout: string; stderr: string }

function yanglint(args: string[], cwd: string): Run {
  const r = spawnSync('yanglint', args, { encoding: 'utf8', cwd });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function inMib(cls: ObjectClass): ReturnType<typeof mibAttributes> {
  return modelIndex.mibRendering(cls) === 'none' ? [] : mibAttributes(cls);
}

// ---- YIN walk: schema path of each data node, its smiv2:oid and config statement --------------------

interface YinNode { $?: Record<string, string>; [child: string]: unknown }
interface NodeFacts { oid?: string; config?: string; effectiveConfig: boolean; redundantConfig: boolean }

const DATA_KEYWORDS = ['container', 'list', 'leaf', 'leaf-list'];

function children(n: YinNode, kw: string): YinNode[] {
  const c = n[kw];
  return Array.isArray(c) ? (c as YinNode[]) : [];
}

function valueOf(n: YinNode, kw: string, attr: string): string | undefined {
  const c = children(n, kw)[0];
  return c?.$?.[attr];
}

function walk(n: YinNode, prefix: string, base: string, parentConfig: boolean, out: Map<string, NodeFacts>): void {
  for (const kw of DATA_KEYWORDS) {
    for (const c of children(n, kw)) {
      const p = `${base}/${prefix}:${c.$!.name}`;
      const config = valueOf(c, 'config', 'value');
      const effective = parentConfig && config !== 'false';
      out.set(p, { oid: valueOf(c, 'smiv2:oid', 'value'), config, effectiveConfig: effective,
        redundantConfig: config !== undefined && !parentConfig });
      walk(c, prefix, p, effective, out);
    }
  }
}

async function schemaFacts(yin: string): Promise<{ nodes: Map<string, NodeFacts>; identities: Map<string, string | undefined> }> {
  const doc = (await parseStringPromise(yin)) as { module: YinNode };
  const nodes = new Map<string, NodeFacts>();
  const p = model.module.yangPrefix;
  walk(doc.module, p, '', true, nodes);
  for (const a of children(doc.module, 'augment')) walk(a, p, a.$!['target-node'], false, nodes);
  const identities = new Map<string, string | undefined>();
  for (const i of children(doc.module, 'identity')) identities.set(i.$!.name, valueOf(i, 'smiv2:oid', 'value'));
  return { nodes, identities };
}

// ---- instance data ----------------------------------------------------------------------------

const t0 = '2026-11-25T12:00:00Z';

function operationalData(networkName: string): unknown {
  return {
    'blockchain-mgmt:managed-system': {
      'software-version': '0.1.0',
      'oper-state': 'enabled',
      'network-count': 1,
      network: [{
        name: networkName,
        platform: 'ethereum',
        'poll-interval': 5,
        'chain-id': '31337',
        'oper-state': 'enabled',
        'best-height': '12',
        node: [{
          name: 'n1',
          endpoint: 'http://127.0.0.1:8545',
          role: 'validator',
          'oper-state': 'enabled',
          reachability: 'reachable',
          stale: false,
          'last-observed': t0,
          height: '12',
          'peer-count': 1,
          'gas-price': '1000000000',
          'rpc-errors': '0',
          peer: [{ index: 1, 'peer-id': 'enode-abc', address: '127.0.0.1:30303', direction: 'outbound', 'bytes-in': '1024', 'peer-height': '12' }],
          'tx-pool': { pending: '3', 'min-fee-rate': '1000' },
        }],
        ledger: [{ name: 'main', height: '12', 'head-hash': '0x' + 'ab'.repeat(32), 'head-time': t0,
          'node-ledger-state': [{ node: 'n1', height: '12', lag: '0', 'sync-state': 'synced' }] }],
        contract: [{ address: '0x' + '12'.repeat(20), source: 'discovered', 'code-size': 100 }],
      }],
      performance: { 'measurement-job': [{ name: 'j1', metrics: ['blocks', 'tps'], granularity: 60,
        'pm-monitored': [{ index: 1, resource: `network/${networkName}/ledger/main`, metric: 'tps', value: '1.250',
          'pm-interval': [{ number: 1, start: t0, duration: 60, value: '0.500', suspect: false }] }] }] },
      fault: { 'alarm-policy': [{ type: 'blockchain-mgmt:node-unreachable', 'raise-level': 1, severity: 'major' }] },
    },
    'ietf-alarms:alarms': {
      'alarm-inventory': { 'alarm-type': [{
        'alarm-type-id': 'blockchain-mgmt:node-unreachable', 'alarm-type-qualifier': '', 'will-clear': true,
        description: 'node unreachable', 'blockchain-mgmt:resource-class': 'node', 'blockchain-mgmt:default-severity': 'major',
      }] },
      'alarm-list': { alarm: [{
        resource: `network/${networkName}/node/n1`, 'alarm-type-id': 'blockchain-mgmt:node-unreachable', 'alarm-type-qualifier': '',
        'time-created': t0, 'is-cleared': false, 'last-raised': t0, 'last-changed': t0, 'perceived-severity': 'major',
        'alarm-text': 'node n1 does not answer',
        'status-change': [{ time: t0, 'perceived-severity': 'major', 'alarm-text': 'node n1 does not answer', 'blockchain-mgmt:index': 1 }],
        'blockchain-mgmt:index': 1, 'blockchain-mgmt:specific-problem': 'RPC endpoint of the node does not answer',
        'blockchain-mgmt:operator-state': 'none',
      }] },
    },
  };
}

const configData = {
  'blockchain-mgmt:managed-system': {
    network: [{ name: 'dev', platform: 'bitcoin', 'network-type': 'private', node: [{ name: 'n1', endpoint: 'http://127.0.0.1:18443' }],
      consensus: { 'window-size': 50 } }],
    configuration: { 'snmp-port': 1161, 'management-user': [{ name: 'admin', password: 'not-returned', 'public-key': ['ssh-ed25519 AAAA x'], role: 'admin' }] },
    log: { 'log-component': [{ name: 'collector', level: 'debug' }] },
  },
};

/** A tiny model exercising quoting, config derivation and import selection. */
const tricky = 'A "quoted" word, a back\\slash \\d and a long sentence that has to be wrapped over more than one line ' +
  'of the module.\n\nA second paragraph.';
function tinyModel(extra: ObjectClass[] = []): InformationModel {
  return {
    module: { ...model.module, yangName: 'bcm-tiny', yangPrefix: 'tiny', namespace: 'urn:test:bcm-tiny',
      revisions: [{ date: '2026-01-02', description: 'Second "revision".' }, { date: '2026-01-01', description: 'First.' }] },
    classes: [
      { name: 'managedSystem', clause: '7.1', kind: 'container', parent: null, arc: 1, mibPrefix: 'tSys', description: tricky,
        attributes: [config(1, 'label', T.text(10), tricky, { default: 'a"b\\c' }), state(2, 'up', T.bool, 'Up.')] },
      { name: 'item', clause: '7.1', kind: 'list', parent: 'managedSystem', keys: ['id'], arc: 2, mibPrefix: 'tItem', description: 'Items.',
        attributes: [state(1, 'id', T.uint32(1, 9), 'Id.'), state(2, 'value', T.milli, 'Value.')] },
      { name: 'itemDetail', clause: '7.1', kind: 'container', parent: 'item', arc: 3, mibPrefix: 'tDet', description: 'Detail.',
        attributes: [state(1, 'note', T.text(), 'Note.')] },
      ...extra,
    ],
    alarmTypes: [], events: [], notifications: [],
  };
}

describe('YANG module (tools/render/yang)', () => {
  it('is deterministic and equals the checked-in yang file', () => {
    expect(rendered.fileName).to.equal(`${model.module.yangName}@${model.module.revisions[0].date}.yang`);
    expect(renderYang(model).text).to.equal(rendered.text);
    expect(fs.existsSync(modulePath), `${modulePath} (run npm run generate)`).to.equal(true);
    expect(fs.readFileSync(modulePath, 'utf8')).to.equal(rendered.text);
    const ours = fs.readdirSync(yangDir).filter((f) => f.startsWith(`${model.module.yangName}@`));
    expect(ours, 'one revision of the module in yang/').to.deep.equal([rendered.fileName]);
  });

  it('is laid out as required: \\n line ends, 2-space indentation, no tabs or trailing blanks, final newline', () => {
    const text = rendered.text;
    expect(text.endsWith('}\n')).to.equal(true);
    expect(text).not.to.match(/\r|\t|[ ]+\n/);
    // statement lines that open or close a block sit at an even indentation (continuation lines of quoted
    // strings are aligned one column past their opening quote)
    for (const line of text.split('\n').filter((l) => /\{$|^ *\}$/.test(l))) {
      expect(/^ */.exec(line)![0].length % 2, line).to.equal(0);
    }
    expect(text.split('\n')[0]).to.match(/^\/\/ /);
  });

  it('writes the MIB OID of every MIB attribute, list and alarm type in the text', () => {
    for (const c of model.classes) {
      for (const a of inMib(c)) {
        expect(rendered.text, `${c.name}.${a.name}`).to.include(`smiv2:oid "${modelIndex.attributeOid(c, a)}";`);
      }
      if (modelIndex.mibRendering(c) === 'table') expect(rendered.text, c.name).to.include(`smiv2:oid "${modelIndex.entryOid(c)}";`);
    }
    for (const t of model.alarmTypes) expect(rendered.text, t.name).to.include(`smiv2:oid "${modelIndex.alarmTypeOid(t)}";`);
    const oids = [...rendered.text.matchAll(/smiv2:oid "([0-9.]+)";/g)].map((m) => m[1]);
    expect(new Set(oids).size, 'no OID given twice (nodes, identities and aliases)').to.equal(oids.length);
    const aliases = [...rendered.text.matchAll(/smiv2:alias "([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(aliases).size, 'no descriptor aliased twice').to.equal(aliases.length);
  });

  it('keeps byte-exact copies of the standard modules libyang does not ship', function () {
    for (const m of STANDARD_MODULES.filter((x) => !x.builtIntoLibyang)) {
      const file = `${m.name}@${m.revision}.yang`;
      expect(fs.existsSync(path.join(yangDir, file)), file).to.equal(true);
    }
    requireTool(this, `${yuma}/ietf-alarms@2019-09-11.yang`, 'libyuma-base');
    for (const f of fs.readdirSync(yangDir).filter((x) => x.startsWith('ietf-'))) {
      expect(fs.readFileSync(path.join(yangDir, f)).equals(fs.readFileSync(path.join(yuma, f))), f).to.equal(true);
    }
  });

  describe('with yanglint (libyang2)', () => {
    let tmp = '';
    before(function () {
      requireTool(this, 'yanglint', 'libyang2-tools');
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-yang-'));
    });
    after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

    const lint = (args: string[]): Run => yanglint(['-p', yangDir, ...args, modulePath], tmp);
    const writeJson = (name: string, data: unknown): string => {
      const f = path.join(tmp, name);
      fs.writeFileSync(f, JSON.stringify(data, null, 2));
      return f;
    };
    const expectOk = (r: Run): void => {
      expect(r.stderr, 'stderr').to.equal('');
      expect(r.stdout, 'stdout').to.equal('');
      expect(r.status, 'exit status').to.equal(0);
    };
    const expectRejected = (r: Run, message: RegExp): void => {
      expect(r.status, 'exit status').not.to.equal(0);
      expect(r.stderr).to.match(message);
    };

    it('renders a tiny model: escaped strings survive, state-keyed lists are config false once, imports are those used', async () => {
      const tiny = renderYang(tinyModel());
      expect(tiny.fileName).to.equal('bcm-tiny@2026-01-02.yang');
      expect(tiny.text).not.to.include('import ietf-alarms');
      expect(tiny.text).not.to.include('import ietf-netconf-acm');
      expect(tiny.text).to.include('import ietf-yang-smiv2');
      const file = path.join(tmp, tiny.fileName);
      fs.writeFileSync(file, tiny.text);
      expectOk(yanglint(['-p', yangDir, file], tmp));
      const yin = yanglint(['-p', yangDir, '-f', 'yin', file], tmp);
      expect(yin.status).to.equal(0);
      const doc = (await parseStringPromise(yin.stdout)) as { module: YinNode };
      const root = children(doc.module, 'container')[0];
      const text = (n: YinNode): string => (children(n, 'description')[0] as unknown as { text: string[] }).text[0];
      const words = (x: string): string => x.replace(/\s+/g, ' ');
      expect(words(text(root))).to.equal(words(tricky));
      expect(text(root)).to.include('\n\nA second paragraph.');
      const label = children(root, 'leaf')[0];
      expect(valueOf(label, 'default', 'value')).to.equal('a"b\\c');
      const item = children(root, 'list')[0];
      expect(valueOf(item, 'config', 'value')).to.equal('false');
      const detail = children(item, 'container')[0];
      expect(valueOf(detail, 'config', 'value')).to.equal(undefined);
      expect(children(item, 'leaf').map((l) => valueOf(l, 'config', 'value'))).to.deep.equal([undefined, undefined]);
    });

    it('refuses configuration under a list keyed by state', () => {
      const bad: ObjectClass = { name: 'itemSetting', clause: '7.1', kind: 'container', parent: 'item', arc: 4, mibPrefix: 'tSet',
        description: 'Setting.', attributes: [config(1, 'limit', T.uint32(), 'Limit.')] };
      expect(() => renderYang(tinyModel([bad]))).to.throw(/itemSetting\.limit is configuration/);
    });

    it('compiles the module and its imports without a message', () => {
      expectOk(lint([]));
    });

    it('compiles without a message with every ietf-alarms feature disabled', () => {
      expectOk(lint(['-F', 'ietf-alarms:']));
    });

    it('puts each MIB OID on the right node and repeats no config statement under config false', async () => {
      const r = lint(['-f', 'yin']);
      expect(r.status).to.equal(0);
      const { nodes, identities } = await schemaFacts(r.stdout);
      for (const c of model.classes) {
        const rendering = modelIndex.mibRendering(c);
        if (!c.yangExternal && rendering !== 'none') {
          const oid = rendering === 'table' ? modelIndex.entryOid(c) : modelIndex.classOid(c);
          expect(nodes.get(modelIndex.yangPath(c))?.oid, modelIndex.yangPath(c)).to.equal(oid);
        }
        for (const a of inMib(c)) {
          if (c.yangExternal && a.yangExternal) {
            // rendered by the standard module: the descriptor and its OID are an smiv2:alias
            const alias = new RegExp(`smiv2:alias "${modelIndex.mibDescriptor(c, a)}" \\{[^}]*smiv2:oid "${modelIndex.attributeOid(c, a).replace(/\./g, '\\.')}";`);
            expect(rendered.text, `${c.name}.${a.name}`).to.match(alias);
          } else {
            expect(nodes.get(modelIndex.yangPath(c, a))?.oid, modelIndex.yangPath(c, a)).to.equal(modelIndex.attributeOid(c, a));
          }
        }
      }
      for (const t of model.alarmTypes) expect(identities.get(modelIndex.alarmTypeIdentity(t)), t.name).to.equal(modelIndex.alarmTypeOid(t));
      expect([...nodes].filter(([, f]) => f.redundantConfig).map(([p]) => p)).to.deep.equal([]);
      // NMDA: state attributes are config false, configuration attributes config true
      for (const c of model.classes) {
        for (const a of c.attributes) {
          if (c.yangExternal && a.yangExternal) continue;
          const facts = nodes.get(modelIndex.yangPath(c, a));
          expect(facts, modelIndex.yangPath(c, a)).not.to.equal(undefined);
          expect(facts!.effectiveConfig, modelIndex.yangPath(c, a)).to.equal(a.access === 'config');
        }
      }
    });

    it('accepts operational data with configuration, state, peers and augmented alarms (-t data)', () => {
      expectOk(lint(['-t', 'data', writeJson('operational.json', operationalData('dev'))]));
    });

    it('rejects a network name that violates the name pattern', () => {
      expectRejected(lint(['-t', 'data', writeJson('bad-name.json', operationalData('dev net!'))]), /pattern/);
    });

    it('accepts configuration (-t config) and rejects state leaves in it', () => {
      expectOk(lint(['-t', 'config', writeJson('config.json', configData)]));
      const withState = JSON.parse(JSON.stringify(configData)) as { 'blockchain-mgmt:managed-system': { network: Record<string, unknown>[] } };
      withState['blockchain-mgmt:managed-system'].network[0]['chain-id'] = '1';
      expectRejected(lint(['-t', 'config', writeJson('config-state.json', withState)]), /state/i);
    });

    it('accepts an action invocation and a notification, and requires their mandatory parameters', () => {
      const action = (input: Record<string, unknown>): unknown => ({
        'blockchain-mgmt:managed-system': { network: [{ name: 'dev', node: [{ name: 'n1', 'add-peer': input }] }] },
      });
      expectOk(lint(['-t', 'rpc', writeJson('action.json', action({ address: 'enode://abc@127.0.0.1:30303' }))]));
      expectRejected(lint(['-t', 'rpc', writeJson('action-bad.json', action({}))]), /Mandatory node "address"/);
      const notif = { 'blockchain-mgmt:new-block': { network: 'dev', ledger: 'main', height: '13', hash: '0xabcdef', time: t0, 'tx-count': 2 } };
      expectOk(lint(['-t', 'notif', writeJson('notif.json', notif)]));
      expectRejected(lint(['-t', 'notif', writeJson('notif-bad.json', { 'blockchain-mgmt:new-block': { ledger: 'main' } })]), /Mandatory node "network"/);
    });
  });
});
