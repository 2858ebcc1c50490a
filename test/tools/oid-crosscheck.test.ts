/**
 * The two generated data models must agree on object identifiers. This test reads the artifacts themselves
 * (mibs/BLOCKCHAIN-MGMT-MIB.txt and yang/blockchain-mgmt@REVISION.yang), not the model they come from, so it
 * also catches a renderer that drifts from the model's OID scheme or from the other renderer.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crossCheckOids, namesCorrespond, parseMib, parseYang, smiv2Annotations } from '../support/artifacts';
import type { CrossCheck, ParsedMib, YangAnnotations } from '../support/artifacts';
import { projectRoot } from '../support/tools';

const fixtures = path.join(projectRoot, 'test', 'fixtures', 'oid-crosscheck');
const read = (file: string): string => fs.readFileSync(file, 'utf8');

describe('artifact parsers (fixtures)', () => {
  const mibText = read(path.join(fixtures, 'FIXTURE-MIB.txt'));
  const yangText = read(path.join(fixtures, 'fixture.yang'));
  const check = (m: string, y: string): CrossCheck => crossCheckOids(parseMib(m), smiv2Annotations(parseYang(y)));

  it('resolves every MIB OID, forward references included, ignoring comments and strings', () => {
    const mib = parseMib(mibText);
    expect(mib.moduleName).to.equal('FIXTURE-MIB');
    expect(mib.unresolved).to.deep.equal([]);
    const oid = (n: string): string | undefined => mib.byName.get(n)?.oid;
    expect(oid('fxMIB')).to.equal('1.3.6.1.3.9999');
    expect(oid('fxSysScalars')).to.equal('1.3.6.1.3.9999.1.1');
    expect(oid('fxSysNodeCount')).to.equal('1.3.6.1.3.9999.1.1.2');
    expect(oid('fxNodeType')).to.equal('1.3.6.1.3.9999.1.3.1.3');
    expect(oid('fxAtNodeDown')).to.equal('1.3.6.1.3.9999.3.1');
    expect(oid('fxAlarmRaised')).to.equal('1.3.6.1.3.9999.0.1');
    expect(oid('fxCompliance')).to.equal('1.3.6.1.3.9999.2.2');
    expect(mib.definitions.map((d) => d.name)).to.not.include.members(['SYNTAX', 'FxNodeEntry', 'iso']);
    const roles = Object.fromEntries(mib.definitions.filter((d) => d.role).map((d) => [d.name, d.role]));
    expect(roles).to.deep.equal({
      fxSysVersion: 'scalar', fxSysNodeCount: 'scalar', fxNodeTable: 'table', fxNodeEntry: 'entry', fxNodeName: 'column',
      fxNodeStale: 'column', fxNodeType: 'column', fxAlarmTable: 'table', fxAlarmEntry: 'entry', fxAlarmIndex: 'column',
      fxAlarmText: 'column', fxAlarmSeverity: 'column',
    });
    expect(mib.byName.get('fxNodeEntry')!.index).to.deep.equal(['fxNodeName']);
    expect(mib.byName.get('fxAlarmRaised')!.objects).to.deep.equal(['fxAlarmText', 'fxAlarmSeverity']);
    expect(mib.byName.get('fxNodeStale')!.access).to.equal('read-only');
  });

  it('resolves OIDs from numbers and name(number) forms', () => {
    const mib = parseMib('X-MIB DEFINITIONS ::= BEGIN\n a OBJECT IDENTIFIER ::= { iso(1) org(3) 6 1 }\n' +
      ' b OBJECT IDENTIFIER ::= { enterprises 99 }\n c OBJECT IDENTIFIER ::= { mib-2 5 }\n d OBJECT IDENTIFIER ::= { nowhere 1 }\nEND\n');
    expect(mib.definitions.map((d) => [d.name, d.oid])).to.deep.equal([
      ['a', '1.3.6.1'], ['b', '1.3.6.1.4.1.99'], ['c', '1.3.6.1.2.1.5'], ['d', undefined]]);
    expect(mib.unresolved).to.deep.equal(['d']);
  });

  it('finds every smiv2:oid and what it annotates, whatever the prefix, ignoring braces in strings and comments', () => {
    const yang = smiv2Annotations(parseYang(yangText));
    expect(yang.module).to.equal('fixture');
    expect(yang.smiv2Prefix).to.equal('smi');
    expect(yang.augments).to.deep.equal(['/al:alarms/al:alarm-list/al:alarm']);
    expect(yang.annotations.map((a) => [a.keyword, a.path || a.name, a.oid])).to.deep.equal([
      ['alias', 'fxMIB', '1.3.6.1.3.9999'],
      ['alias', 'fxNodeTable', '1.3.6.1.3.9999.1.3'],
      ['alias', 'fxAlarmText', '1.3.6.1.3.9999.1.4.1.2'],
      ['identity', 'identity node-down', '1.3.6.1.3.9999.3.1'],
      ['container', '/sys', '1.3.6.1.3.9999.1.1'],
      ['leaf', '/sys/version', '1.3.6.1.3.9999.1.1.1'],
      ['leaf', '/sys/node-count', '1.3.6.1.3.9999.1.1.2'],
      ['list', '/sys/node', '1.3.6.1.3.9999.1.3.1'],
      ['leaf', '/sys/node/name', '1.3.6.1.3.9999.1.3.1.1'],
      ['leaf', '/sys/node/stale', '1.3.6.1.3.9999.1.3.1.2'],
      ['leaf', '/sys/node/type', '1.3.6.1.3.9999.1.3.1.3'],
      ['leaf', '/al:alarms/al:alarm-list/al:alarm/index', '1.3.6.1.3.9999.1.4.1.1'],
      ['notification', '/alarm-raised', '1.3.6.1.3.9999.0.1'],
    ]);
  });

  it('rejects unbalanced YANG', () => {
    expect(() => parseYang('module m { container c { leaf l { type string; } }')).to.throw(/unbalanced/);
    expect(() => parseYang('module m { description "}"; } }')).to.throw(/after the module/);
  });

  it('matches names: descriptor = class prefix + YANG name', () => {
    expect(namesCorrespond('rpc-latency-p95', 'bcmPmCurRpcLatencyP95')).to.equal(true);
    expect(namesCorrespond('index', 'bcmAlarmHistIndex')).to.equal(true);
    expect(namesCorrespond('node-unreachable', 'bcmAtNodeUnreachable')).to.equal(true);
    expect(namesCorrespond('name', 'bcmNodeStale')).to.equal(false);
    expect(namesCorrespond('name', 'name')).to.equal(false);
  });

  it('accepts the agreeing fixtures, excusing only the columns of the augmented ietf-alarms table', () => {
    const r = check(mibText, yangText);
    expect(r.problems).to.deep.equal([]);
    expect(r.exceptions).to.deep.equal(['fxAlarmText (1.3.6.1.3.9999.1.4.1.2) [smiv2:alias]', 'fxAlarmSeverity (1.3.6.1.3.9999.1.4.1.3) [not annotated]']);
    expect(r.matched).to.equal(7);
  });

  it('reports each kind of disagreement', () => {
    const problems = (y: string, m = mibText): string[] => check(m, y).problems;
    // A leaf with the OID of another column.
    expect(problems(yangText.replace('leaf stale { type boolean; smi:oid "1.3.6.1.3.9999.1.3.1.2"', 'leaf stale { type boolean; smi:oid "1.3.6.1.3.9999.1.3.1.3"')))
      .to.include.members(['OBJECT-TYPE fxNodeStale (1.3.6.1.3.9999.1.3.1.2) has no YANG leaf with its OID']);
    // An OID the MIB does not have.
    expect(problems(yangText.replace('"1.3.6.1.3.9999.0.1"', '"1.3.6.1.3.9999.0.7"')).join('\n')).to.match(/notification \/alarm-raised .* 1\.3\.6\.1\.3\.9999\.0\.7, which no MIB definition has/);
    // A leaf renamed.
    expect(problems(yangText.replace('leaf node-count', 'leaf peer-count')).join('\n')).to.match(/fxSysNodeCount .* leaf \/sys\/peer-count, whose name does not correspond/);
    // A missing identity.
    expect(problems(yangText.replace(/smi:oid "1\.3\.6\.1\.3\.9999\.3\.1";/, ''))).to.include('OBJECT-IDENTITY fxAtNodeDown (1.3.6.1.3.9999.3.1) has no YANG identity with its OID');
    // An alias with the wrong name.
    expect(problems(yangText.replace('smi:alias "fxNodeTable"', 'smi:alias "fxPeerTable"'))).to.include('YANG: smiv2:alias fxPeerTable has the OID of fxNodeTable');
    // A leaf on a table OID.
    expect(problems(yangText.replace('container sys {', 'container sys { leaf t { type string; smi:oid "1.3.6.1.3.9999.1.4"; }')).join('\n')).to.match(/leaf \/sys\/t has the OID of OBJECT-TYPE fxAlarmTable \(table\)/);
    // Without the ietf-alarms augment, the alarm columns are not excused.
    const noAugment = yangText.replace('augment "/al:alarms/al:alarm-list/al:alarm"', 'augment "/xx:alarms/xx:alarm"');
    expect(problems(noAugment)).to.include.members([
      'OBJECT-TYPE fxAlarmText (1.3.6.1.3.9999.1.4.1.2) has no YANG leaf with its OID (only a smiv2:alias)',
      'OBJECT-TYPE fxAlarmSeverity (1.3.6.1.3.9999.1.4.1.3) has no YANG leaf with its OID']);
    // A duplicate annotation.
    expect(problems(yangText.replace('leaf-list tags { type string; }', 'leaf-list tags { type string; smi:oid "1.3.6.1.3.9999.1.3.1.2"; }')).join('\n'))
      .to.match(/1\.3\.6\.1\.3\.9999\.1\.3\.1\.2 annotates 2 statements/);
    // An OID assigned twice in the MIB.
    expect(problems(yangText, mibText.replace('::= { fxNodeEntry 3 }', '::= { fxNodeEntry 2 }')).join('\n')).to.match(/MIB: 1\.3\.6\.1\.3\.9999\.1\.3\.1\.2 assigned to fxNodeStale, fxNodeType/);
  });
});

describe('OIDs of the generated YANG module and MIB agree', () => {
  const mibFile = path.join(projectRoot, 'mibs', 'BLOCKCHAIN-MGMT-MIB.txt');
  let yangFile = '';
  let mib: ParsedMib;
  let yang: YangAnnotations;
  let result: CrossCheck;

  before(() => {
    const dir = path.join(projectRoot, 'yang');
    const revisions = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^blockchain-mgmt@\d{4}-\d{2}-\d{2}\.yang$/.test(f)).sort() : [];
    expect(revisions, 'yang/blockchain-mgmt@REVISION.yang').to.not.deep.equal([]);
    yangFile = path.join(dir, revisions[revisions.length - 1]);
    const parse = <T>(file: string, f: (text: string) => T): T => {
      try { return f(read(file)); } catch (e) { throw new Error(`${path.relative(projectRoot, file)}: ${(e as Error).message}`); }
    };
    mib = parse(mibFile, parseMib);
    yang = parse(yangFile, (text) => smiv2Annotations(parseYang(text)));
    result = crossCheckOids(mib, yang);
    const shown = (list: readonly string[]): string => list.length ? list.map((x) => `\n        ${x}`).join('') : ' none';
    console.log(`      ${path.relative(projectRoot, mibFile)}: ${mib.definitions.length} definitions; ` +
      `${path.relative(projectRoot, yangFile)}: ${yang.annotations.length} smiv2:oid; ${result.matched} objects matched`);
    console.log(`      MIB columns excused as renderings of augmented ietf-alarms lists:${shown(result.exceptions)}`);
  });

  it('reads a generated MIB: more than 100 OBJECT-TYPEs, every OID resolved under the module identity', () => {
    expect(mib.moduleName).to.equal('BLOCKCHAIN-MGMT-MIB');
    expect(mib.definitions.filter((d) => d.kind === 'OBJECT-TYPE').length, 'OBJECT-TYPEs').to.be.greaterThan(100);
    expect(mib.unresolved, 'unresolved OIDs').to.deep.equal([]);
    const identity = mib.definitions.filter((d) => d.kind === 'MODULE-IDENTITY');
    expect(identity, 'MODULE-IDENTITY').to.have.length(1);
    const root = identity[0].oid!;
    const outside = mib.definitions.filter((d) => d.oid !== root && !d.oid!.startsWith(`${root}.`)).map((d) => d.name);
    expect(outside, 'definitions outside the module root').to.deep.equal([]);
  });

  it('reads a generated YANG module: more than 100 smiv2:oid annotations', () => {
    expect(yang.module).to.equal('blockchain-mgmt');
    expect(yang.annotations.length, 'smiv2:oid annotations').to.be.greaterThan(100);
  });

  it('gives every MIB column, scalar and alarm type exactly one YANG node with its OID and name', () => {
    expect(result.problems.filter((p) => !p.startsWith('YANG:') && !p.startsWith('MIB:'))).to.deep.equal([]);
  });

  it('has no smiv2:oid in the YANG module without a MIB definition of the same OID and kind', () => {
    expect(result.problems.filter((p) => p.startsWith('YANG:') || p.startsWith('MIB:'))).to.deep.equal([]);
  });
});
