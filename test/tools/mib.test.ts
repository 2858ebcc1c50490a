/**
 * BLOCKCHAIN-MGMT-MIB rendered from the model: deterministic, checked in, accepted by libsmi's smilint at its
 * most pedantic level, and loaded by net-snmp with the tree, names and OIDs the ModelIndex helpers give (the
 * helpers the SNMP agent uses).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type InformationModel, mibAttributes, model, modelIndex, type ObjectClass } from '../../src/model';
import { mibLayout, renderMib, rootPlacement } from '../../tools/render/mib';
import { ourMibDir, projectRoot, requireTool, standardMibDir } from '../support/tools';

const mibName = model.module.mibName;
const mibFile = path.join(ourMibDir, `${mibName}.txt`);
const text = renderMib(model);

/**
 * smilint messages the MIB is allowed to produce, each with the reason it cannot be avoided by the renderer.
 * An entry that no longer occurs fails the test, so the list shrinks when the cause is fixed.
 */
const SMILINT_ALLOWED: readonly { readonly message: string; readonly reason: string }[] = [
  // Empty: the MIB passes smilint -l 6 without a message. (The AutonomousType INDEX of bcmAlarmInvEntry and
  // bcmAlarmPolEntry, which smilint flagged, is now BcmAlarmTypeIndex, one sub-identifier.)
];

interface Run { status: number | null; stdout: string; stderr: string }

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: projectRoot, env: { ...process.env, ...env }, timeout: 60000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** net-snmp, isolated from /etc/snmp/snmp.conf (`mibs :`) and ~/.snmp, writing its state to a temporary folder. */
let snmpHome: string | undefined;
function snmptranslate(args: string[]): Run {
  snmpHome ??= fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-mib-test-'));
  const dirs = `${standardMibDir}:${ourMibDir}`;
  return run('snmptranslate', ['-M', dirs, '-m', mibName, ...args],
    { MIBDIRS: dirs, MIBS: mibName, SNMPCONFPATH: snmpHome, SNMP_PERSISTENT_DIR: snmpHome });
}

/** stderr of net-snmp without its note about creating its persistent folder. */
function problems(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() && !/^Created directory: /.test(l));
}

function rendered(cls: ObjectClass): ReturnType<typeof mibAttributes> {
  return modelIndex.mibRendering(cls) === 'none' ? [] : mibAttributes(cls);
}

// ---- a small reader of the generated text: definitions and their clauses --------------------------

interface Definition { name: string; macro: string; body: string }

function definitions(mib: string): Map<string, Definition> {
  const out = new Map<string, Definition>();
  const re = /^([a-z][A-Za-z0-9]*) (OBJECT-TYPE|OBJECT-IDENTITY|NOTIFICATION-TYPE|OBJECT-GROUP|NOTIFICATION-GROUP|MODULE-COMPLIANCE|MODULE-IDENTITY|OBJECT IDENTIFIER)\b([\s\S]*?::= \{[^}]*\})/gm;
  for (const m of mib.matchAll(re)) out.set(m[1], { name: m[1], macro: m[2], body: m[3] });
  return out;
}

function clauseOf(def: Definition, keyword: string): string | undefined {
  const m = new RegExp(`^\\s+${keyword}\\s+(.+)$`, 'm').exec(def.body);
  return m?.[1].trim();
}

function listOf(def: Definition, keyword: string): string[] {
  const m = new RegExp(`${keyword}\\s+\\{([^}]*)\\}`).exec(def.body);
  return m ? m[1].split(',').map((s) => s.trim()).filter(Boolean) : [];
}

const defs = definitions(text);

/** Expected MAX-ACCESS of an attribute, from the model (RFC 2578: Counter64-based objects are never writable). */
function expectedAccess(cls: ObjectClass, name: string): string {
  const a = modelIndex.attr(cls, name);
  const ownKey = modelIndex.mibRendering(cls) === 'table' && cls.kind === 'list' && (cls.keys ?? []).includes(a.name);
  if (ownKey) return 'not-accessible';
  const counterBased = ['counter64', 'gauge64', 'milli'].includes(a.type.base);
  return (a.access === 'config' || a.writable) && !counterBased ? 'read-write' : 'read-only';
}

describe(`${mibName} (tools/render/mib.ts)`, () => {
  it('is checked in as rendered from the model (npm run generate)', () => {
    expect(fs.existsSync(mibFile), `${mibFile} exists`).to.equal(true);
    expect(fs.readFileSync(mibFile, 'utf8') === text, `${mibFile} is stale: run npm run generate`).to.equal(true);
  });

  it('is deterministic ASCII text, lines of at most 80 characters, ending with a newline', () => {
    expect(renderMib(model)).to.equal(text);
    expect(text.endsWith('\n') && !text.endsWith('\n\n')).to.equal(true);
    expect(/^[\x20-\x7e\n]*$/.test(text), 'printable ASCII only').to.equal(true);
    const long = text.split('\n').filter((l) => l.length > 80);
    expect(long).to.deep.equal([]);
    // Every string is closed on its clause: an even number of quotes in each definition.
    for (const d of defs.values()) expect((d.body.match(/"/g) ?? []).length % 2, d.name).to.equal(0);
  });

  it('hangs the module identity under the standard node above the provisional root, and says it is provisional', () => {
    const root = model.module.rootOid;
    const { parent, arc } = rootPlacement(root);
    // OIDs of the SNMPv2-SMI nodes (RFC 2578 section 2) a module identity can hang under.
    const smiNodes: Record<string, string> = { 'mib-2': '1.3.6.1.2.1', transmission: '1.3.6.1.2.1.10', experimental: '1.3.6.1.3',
      private: '1.3.6.1.4', enterprises: '1.3.6.1.4.1' };
    expect(`${smiNodes[parent]}.${arc}`).to.equal(root);
    expect(defs.get('bcmMIB')!.body).to.contain(`::= { ${parent} ${arc} }`);
    expect(defs.get('bcmMIB')!.body.replace(/\s+/g, ' ')).to.contain(model.module.rootOidNote.replace(/"/g, "'"));
    const last = /LAST-UPDATED\s+"(\d{12}Z)"/.exec(text)?.[1];
    const revisions = [...text.matchAll(/REVISION\s+"(\d{12}Z)"/g)].map((m) => m[1]);
    expect(revisions).to.deep.equal(model.module.revisions.map((r) => `${r.date.replace(/-/g, '')}0000Z`));
    expect(last).to.equal(revisions[0]);
  });

  it('fails loudly when the root OID is not directly under a node SNMPv2-SMI exports', () => {
    const at = (rootOid: string): InformationModel => ({ ...model, module: { ...model.module, rootOid } });
    expect(() => renderMib(at('1.2.840.10006'))).to.throw(/not directly under a node SNMPv2-SMI exports/);
    expect(() => renderMib(at('1.3.6.1.4.1.99999.1'))).to.throw(/not directly under/);
    expect(renderMib(at('1.3.6.1.4.1.99999'))).to.contain('::= { enterprises 99999 }');
  });

  it('imports only from SNMPv2-SMI, SNMPv2-TC and SNMPv2-CONF', () => {
    const imports = /IMPORTS([\s\S]*?);/.exec(text)![1];
    const modules = [...imports.matchAll(/FROM\s+(\S+)/g)].map((m) => m[1]);
    expect(modules).to.deep.equal(['SNMPv2-SMI', 'SNMPv2-TC', 'SNMPv2-CONF']);
  });

  it('renders every class as a table (INDEX along containment) or a scalar group, at the helper OIDs', () => {
    for (const cls of model.classes) {
      const r = modelIndex.mibRendering(cls);
      if (r === 'none') {
        expect(defs.has(modelIndex.tableDescriptor(cls)) || defs.has(modelIndex.scalarGroupDescriptor(cls)), cls.name).to.equal(false);
        continue;
      }
      if (r === 'table') {
        const table = defs.get(modelIndex.tableDescriptor(cls))!;
        const entry = defs.get(modelIndex.entryDescriptor(cls))!;
        expect(table, cls.name).to.not.equal(undefined);
        expect(clauseOf(table, 'SYNTAX')).to.equal(`SEQUENCE OF ${modelIndex.entryDescriptor(cls).replace(/^b/, 'B')}`);
        expect(table.body).to.contain(`::= { bcmObjects ${cls.arc} }`);
        expect(entry.body).to.contain(`::= { ${modelIndex.tableDescriptor(cls)} 1 }`);
        expect(listOf(entry, 'INDEX'), cls.name).to.deep.equal(modelIndex.mibIndex(cls).map((k) => modelIndex.mibDescriptor(k.cls, k.attr)));
      } else {
        expect(defs.get(modelIndex.scalarGroupDescriptor(cls))?.macro, cls.name).to.equal('OBJECT IDENTIFIER');
      }
      const parent = r === 'table' ? modelIndex.entryDescriptor(cls) : modelIndex.scalarGroupDescriptor(cls);
      for (const a of cls.attributes) {
        const descriptor = modelIndex.mibDescriptor(cls, a);
        if (!rendered(cls).includes(a)) { expect(defs.has(descriptor), `${descriptor} is not in the MIB`).to.equal(false); continue; }
        const def = defs.get(descriptor);
        expect(def?.macro, descriptor).to.equal('OBJECT-TYPE');
        expect(def!.body, descriptor).to.contain(`::= { ${parent} ${a.arc} }`);
        expect(clauseOf(def!, 'MAX-ACCESS'), descriptor).to.equal(expectedAccess(cls, a.name));
        if (a.units) expect(clauseOf(def!, 'UNITS'), descriptor).to.equal(`"${a.units}"`);
      }
    }
  });

  it('maps the scalar types as specified, with DEFVALs for configuration defaults', () => {
    const syntax = (cls: string, attr: string): string | undefined => {
      const c = modelIndex.cls(cls);
      return clauseOf(defs.get(modelIndex.mibDescriptor(c, modelIndex.attr(c, attr)))!, 'SYNTAX');
    };
    const defval = (cls: string, attr: string): string | undefined => {
      const c = modelIndex.cls(cls);
      return clauseOf(defs.get(modelIndex.mibDescriptor(c, modelIndex.attr(c, attr)))!, 'DEFVAL');
    };
    expect(syntax('network', 'name')).to.equal('BcmName');
    expect(syntax('network', 'platform')).to.equal('BcmPlatform');
    expect(syntax('network', 'pollInterval')).to.equal('Unsigned32 (1..3600)');
    expect(syntax('network', 'bestHeight')).to.equal('BcmGauge64');
    expect(syntax('node', 'endpoint')).to.equal('DisplayString (SIZE (0..255))');
    expect(syntax('node', 'gasPrice')).to.equal('BcmDecimalString');
    expect(syntax('node', 'stale')).to.equal('TruthValue');
    expect(syntax('node', 'lastObserved')).to.equal('DateAndTime');
    expect(syntax('node', 'peerCount')).to.equal('Gauge32');
    expect(syntax('node', 'rpcErrors')).to.equal('Counter64');
    expect(syntax('node', 'lastError')).to.equal('BcmUtf8String (SIZE (0..255))');
    expect(syntax('contract', 'address')).to.equal('OCTET STRING (SIZE (20))');
    expect(syntax('ledger', 'headHash')).to.equal('OCTET STRING (SIZE (0..64))');
    expect(syntax('alarm', 'type')).to.equal('AutonomousType');
    // An alarm type in an INDEX is its arc under bcmAlarmTypes (ModelIndex.alarmTypeIndex), not an OID.
    expect(syntax('alarmInventory', 'type')).to.equal('BcmAlarmTypeIndex');
    expect(syntax('alarmPolicy', 'type')).to.equal('BcmAlarmTypeIndex');
    expect(text).to.match(/BcmAlarmTypeIndex ::= TEXTUAL-CONVENTION\s+DISPLAY-HINT "d"[\s\S]*?SYNTAX\s+Unsigned32 \(1\.\.4294967295\)/);
    expect(syntax('alarm', 'resource')).to.equal('BcmResourcePath');
    expect(syntax('alarm', 'perceivedSeverity')).to.equal('BcmPerceivedSeverity');
    expect(syntax('pmMonitored', 'value')).to.equal('BcmMilli');
    expect(defval('network', 'networkType')).to.equal('{ private }');
    expect(defval('network', 'pollInterval')).to.equal('{ 5 }');
    expect(defval('network', 'description')).to.equal('{ "" }');
    expect(defval('alarmPolicy', 'enabled')).to.equal('{ true }');
    expect(defval('network', 'chainId')).to.equal(undefined);
    expect(text).to.match(/BcmMilli ::= TEXTUAL-CONVENTION\s+DISPLAY-HINT "d-3"/);
    // The X.733 enumerations keep the values of ITU-ALARM-TC-MIB.
    expect(text).to.match(/BcmPerceivedSeverity ::= TEXTUAL-CONVENTION[\s\S]*?INTEGER \{\s*cleared\(1\),\s*indeterminate\(2\),\s*critical\(3\),\s*major\(4\),\s*minor\(5\),\s*warning\(6\)\s*\}/);
    expect(text).to.match(/BcmX733EventType ::= TEXTUAL-CONVENTION[\s\S]*?INTEGER \{\s*other\(1\),\s*communicationsAlarm\(2\),\s*qualityOfServiceAlarm\(3\),\s*processingErrorAlarm\(4\),\s*equipmentAlarm\(5\),\s*environmentalAlarm\(6\)\s*\}/);
  });

  it('defines one OBJECT-IDENTITY per alarm type with its X.733 fields', () => {
    for (const t of model.alarmTypes) {
      const def = defs.get(modelIndex.alarmTypeDescriptor(t));
      expect(def?.macro, t.name).to.equal('OBJECT-IDENTITY');
      expect(def!.body).to.contain(`::= { bcmAlarmTypes ${t.arc} }`);
      const body = def!.body.replace(/\s+/g, ' ');
      expect(body).to.contain(`X.733 event type: ${t.eventType}(`);
      expect(body).to.contain(`${t.probableCause.name} (IANAItuProbableCause ${t.probableCause.value})`);
      expect(body).to.contain(`Default perceived severity: ${t.defaultSeverity}(`);
    }
  });

  it('defines the notifications with accessible objects of their class', () => {
    for (const n of model.notifications) {
      const def = defs.get(modelIndex.notificationDescriptor(n));
      expect(def?.macro, n.name).to.equal('NOTIFICATION-TYPE');
      expect(def!.body).to.contain(`::= { bcmNotifications ${n.arc} }`);
      const cls = modelIndex.cls(n.objectClass);
      expect(listOf(def!, 'OBJECTS')).to.deep.equal(n.objects.map((o) => modelIndex.mibDescriptor(cls, modelIndex.attr(cls, o))));
      for (const o of listOf(def!, 'OBJECTS')) expect(clauseOf(defs.get(o)!, 'MAX-ACCESS'), o).to.not.equal('not-accessible');
    }
  });

  it('puts every accessible object in exactly one OBJECT-GROUP and every group in the compliance', () => {
    const groups = [...defs.values()].filter((d) => d.macro === 'OBJECT-GROUP' || d.macro === 'NOTIFICATION-GROUP');
    const inGroups = groups.filter((g) => g.macro === 'OBJECT-GROUP').flatMap((g) => listOf(g, 'OBJECTS'));
    const accessible = [...defs.values()].filter((d) => d.macro === 'OBJECT-TYPE' && !/not-accessible/.test(clauseOf(d, 'MAX-ACCESS') ?? ''))
      .map((d) => d.name);
    expect([...inGroups].sort()).to.deep.equal([...accessible].sort());
    const notifications = groups.filter((g) => g.macro === 'NOTIFICATION-GROUP').flatMap((g) => listOf(g, 'NOTIFICATIONS'));
    expect(notifications.sort()).to.deep.equal(model.notifications.map((n) => modelIndex.notificationDescriptor(n)).sort());
    const compliance = [...defs.values()].filter((d) => d.macro === 'MODULE-COMPLIANCE');
    expect(compliance).to.have.length(1);
    expect(listOf(compliance[0], 'MANDATORY-GROUPS').sort()).to.deep.equal(groups.map((g) => g.name).sort());
  });

  it('keeps descriptors within 32 characters and instance OIDs within 128 sub-identifiers', () => {
    const layout = mibLayout(model);
    for (const name of layout.nodes.keys()) expect(name.length, name).to.be.at.most(32);
    for (const c of layout.classes) if (c.entry) expect(c.entry.maxInstanceLength, c.descriptor).to.be.at.most(128);
  });

  it('passes smilint -l 6 without a message beyond the allow-list', function () {
    requireTool(this, 'smilint', 'smitools');
    const r = run('smilint', ['-l', '6', '-s', '-m', mibFile], { SMIPATH: `${standardMibDir}:${ourMibDir}` });
    const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim());
    // "FILE:LINE: [severity] {name} message" → "{name} message".
    const messages = lines.map((l) => l.replace(/^.*?:\d+: \[\d+\] /, ''));
    const unexpected = lines.filter((_, i) => !SMILINT_ALLOWED.some((a) => a.message === messages[i]));
    expect(unexpected, 'smilint output').to.deep.equal([]);
    const stale = SMILINT_ALLOWED.filter((a) => !messages.includes(a.message)).map((a) => a.message);
    expect(stale, 'allow-list entries smilint no longer prints (remove them)').to.deep.equal([]);
    expect(r.status).to.equal(0);
  });

  it('loads in net-snmp: snmptranslate -Tp shows every table, entry, column and scalar', function () {
    requireTool(this, 'snmptranslate', 'snmp');
    const r = snmptranslate(['-Tp', `${mibName}::bcmMIB`]);
    expect(problems(r.stderr), 'snmptranslate stderr').to.deep.equal([]);
    expect(r.status).to.equal(0);
    const names = new Set([...r.stdout.matchAll(/([a-zA-Z][A-Za-z0-9]*)\(\d+\)/g)].map((m) => m[1]));
    const expected: string[] = [];
    for (const cls of model.classes) {
      const rendering = modelIndex.mibRendering(cls);
      if (rendering === 'none') continue;
      if (rendering === 'table') expected.push(modelIndex.tableDescriptor(cls), modelIndex.entryDescriptor(cls));
      else expected.push(modelIndex.scalarGroupDescriptor(cls));
      for (const a of rendered(cls)) expected.push(modelIndex.mibDescriptor(cls, a));
    }
    for (const t of model.alarmTypes) expected.push(modelIndex.alarmTypeDescriptor(t));
    for (const n of model.notifications) expected.push(modelIndex.notificationDescriptor(n));
    expect(expected.filter((e) => !names.has(e)), 'missing from the tree').to.deep.equal([]);
    // The tables of the design outline are there.
    for (const t of ['bcmNetTable', 'bcmNodeTable', 'bcmPeerTable', 'bcmLedgerTable', 'bcmTipTable', 'bcmNlsTable', 'bcmValTable',
      'bcmCtrTable', 'bcmMethTable', 'bcmXcTable', 'bcmAlarmTable', 'bcmAlarmHistTable', 'bcmPmCurTable', 'bcmPmIntTable',
      'bcmLogRecTable']) expect(names.has(t), t).to.equal(true);
    console.log(`      snmptranslate -Tp bcmMIB: ${r.stdout.trimEnd().split('\n').length} lines`);
  });

  it('resolves the helper OIDs to the expected descriptors and back (snmptranslate)', function () {
    requireTool(this, 'snmptranslate', 'snmp');
    const pairs: [string, string][] = [
      [modelIndex.rootOid, 'bcmMIB'], [modelIndex.notificationsOid, 'bcmNotifications'], [modelIndex.objectsOid, 'bcmObjects'],
      [modelIndex.conformanceOid, 'bcmConformance'], [modelIndex.alarmTypesOid, 'bcmAlarmTypes'],
    ];
    for (const cls of model.classes) {
      const rendering = modelIndex.mibRendering(cls);
      if (rendering === 'none') continue;
      if (rendering === 'table') {
        pairs.push([modelIndex.classOid(cls), modelIndex.tableDescriptor(cls)], [modelIndex.entryOid(cls), modelIndex.entryDescriptor(cls)]);
      } else pairs.push([modelIndex.classOid(cls), modelIndex.scalarGroupDescriptor(cls)]);
      for (const a of rendered(cls)) pairs.push([modelIndex.attributeOid(cls, a), modelIndex.mibDescriptor(cls, a)]);
    }
    for (const t of model.alarmTypes) pairs.push([modelIndex.alarmTypeOid(t), modelIndex.alarmTypeDescriptor(t)]);
    for (const n of model.notifications) pairs.push([modelIndex.notificationOid(n), modelIndex.notificationDescriptor(n)]);

    const toName = snmptranslate(pairs.map(([oid]) => `.${oid}`));
    expect(problems(toName.stderr)).to.deep.equal([]);
    const names = toName.stdout.split('\n').filter((l) => l.trim());
    expect(names).to.deep.equal(pairs.map(([, name]) => `${mibName}::${name}`));

    const toOid = snmptranslate(['-On', ...pairs.map(([, name]) => `${mibName}::${name}`)]);
    expect(problems(toOid.stderr)).to.deep.equal([]);
    expect(toOid.stdout.split('\n').filter((l) => l.trim())).to.deep.equal(pairs.map(([oid]) => `.${oid}`));
  });

  it('decodes an instance OID along the INDEX of its table (ancestor keys first)', function () {
    requireTool(this, 'snmptranslate', 'snmp');
    const peer = modelIndex.cls('peer');
    const bytesIn = modelIndex.attr(peer, 'bytesIn');
    const str = (s: string): string => [s.length, ...[...s].map((c) => c.charCodeAt(0))].join('.');
    const oid = `.${modelIndex.attributeOid(peer, bytesIn)}.${str('dev')}.${str('n1')}.3`;
    const r = snmptranslate([oid]);
    expect(problems(r.stderr)).to.deep.equal([]);
    expect(r.stdout.trim()).to.equal(`${mibName}::${modelIndex.mibDescriptor(peer, bytesIn)}."dev"."n1".3`);
    // -IR: random access by the bare descriptor.
    const back = snmptranslate(['-IR', '-On', `${modelIndex.mibDescriptor(peer, bytesIn)}."dev"."n1".3`]);
    expect(problems(back.stderr)).to.deep.equal([]);
    expect(back.stdout.trim()).to.equal(oid);
  });

  it('decodes an instance OID indexed by an alarm type as its arc under bcmAlarmTypes (BcmAlarmTypeIndex)', function () {
    requireTool(this, 'snmptranslate', 'snmp');
    const pol = modelIndex.cls('alarmPolicy');
    const raise = modelIndex.attr(pol, 'raiseLevel');
    const t = model.alarmTypes.find((x) => x.name === 'ledgerSyncLag')!;
    const n = modelIndex.alarmTypeIndex(t);
    expect(modelIndex.alarmTypeOid(t)).to.equal(`${modelIndex.alarmTypesOid}.${n}`);
    const oid = `.${modelIndex.attributeOid(pol, raise)}.${n}`;
    const r = snmptranslate([oid]);
    expect(problems(r.stderr)).to.deep.equal([]);
    expect(r.stdout.trim()).to.equal(`${mibName}::${modelIndex.mibDescriptor(pol, raise)}.${n}`);
    const back = snmptranslate(['-IR', '-On', `${modelIndex.mibDescriptor(pol, raise)}.${n}`]);
    expect(problems(back.stderr)).to.deep.equal([]);
    expect(back.stdout.trim()).to.equal(oid);
    for (const cls of ['alarmInventory', 'alarmPolicy']) {
      const c = mibLayout(model).classes.find((x) => x.cls.name === cls)!;
      expect(c.entry!.maxInstanceLength, cls).to.equal(modelIndex.entryOid(c.cls).split('.').length + 2);
    }
  });

  after(() => { if (snmpHome) fs.rmSync(snmpHome, { recursive: true, force: true }); });
});
