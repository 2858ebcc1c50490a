import { expect } from 'chai';
import { ModelIndex, counter64Based, model, modelIndex, validateModel } from '../../src/model';
import type { Attribute, InformationModel, ObjectClass, ScalarType } from '../../src/model';
import { T } from '../../src/model/common';
import { indexSyntaxOf, syntaxOf, typeContext } from '../../tools/render/mib-types';

describe('information model', () => {
  it('is consistent: unique arcs, keys, descriptors of at most 32 characters', () => {
    expect(validateModel(model)).to.deep.equal([]);
  });

  it('covers every subclause of clause 7', () => {
    const clauses = new Set(model.classes.map((c) => c.clause));
    for (const c of ['7.1', '7.2.1', '7.2.2', '7.2.3', '7.2.4', '7.3.1', '7.3.2', '7.3.3', '7.3.4']) {
      expect(clauses.has(c as never), `clause ${c}`).to.equal(true);
    }
  });

  it('has the object classes of the design outline', () => {
    for (const n of ['managedSystem', 'network', 'node', 'peer', 'txPool', 'nodeLogControl', 'ledger', 'chainTip',
      'nodeLedgerState', 'consensus', 'validator', 'contract', 'contractMethod', 'crossChainChannel', 'alarm',
      'measurementJob', 'pmInterval', 'threshold', 'logRecord', 'configuration']) {
      expect(modelIndex.byName.has(n), n).to.equal(true);
    }
  });

  it('indexes tables along containment: network → node → peer', () => {
    const keys = modelIndex.mibIndex(modelIndex.cls('peer')).map((k) => modelIndex.mibDescriptor(k.cls, k.attr));
    expect(keys).to.deep.equal(['bcmNetName', 'bcmNodeName', 'bcmPeerIndex']);
  });

  it('gives every alarm type its X.733 fields', () => {
    expect(model.alarmTypes).to.have.length(15);
    for (const t of model.alarmTypes) {
      expect(t.probableCause.value, t.name).to.be.greaterThan(300);
      expect(t.eventType, t.name).to.be.a('string');
    }
  });

  it('declares the node actions', () => {
    const actions = (modelIndex.cls('node').actions ?? []).map((a) => a.name);
    expect(actions).to.include.members(['addPeer', 'removePeer', 'setNetworkActive', 'startBlockProduction', 'stopBlockProduction', 'setLogLevel']);
  });

  describe('alarm types as INDEX components (one rule for the MIB generator and the SNMP agent)', () => {
    it('indexes an alarm type by the last arc of its OID under bcmAlarmTypes, and back', () => {
      const seen = new Set<number>();
      for (const t of model.alarmTypes) {
        const n = modelIndex.alarmTypeIndex(t);
        expect(n, t.name).to.equal(t.arc);
        expect(modelIndex.alarmTypeIndex(t.name), t.name).to.equal(n);
        expect(modelIndex.alarmTypeOid(t), t.name).to.equal(`${modelIndex.alarmTypesOid}.${n}`);
        expect(modelIndex.alarmTypeOfIndex(n), t.name).to.equal(t);
        expect(n, t.name).to.be.within(1, 4294967295);
        seen.add(n);
      }
      expect(seen.size).to.equal(model.alarmTypes.length);
      expect(modelIndex.alarmTypeIndex('noSuchType')).to.equal(undefined);
      expect(modelIndex.alarmTypeOfIndex(0)).to.equal(undefined);
      expect(modelIndex.alarmTypeOfIndex(4294967295)).to.equal(undefined);
    });

    it('tells INDEX columns (own keys of tables) from the other columns', () => {
      const col = (c: string, a: string): boolean => modelIndex.isIndexColumn(modelIndex.cls(c), modelIndex.attr(c, a));
      expect(col('alarmPolicy', 'type')).to.equal(true);
      expect(col('alarmInventory', 'type')).to.equal(true);
      expect(col('peer', 'index')).to.equal(true);
      expect(col('alarm', 'type')).to.equal(false);
      expect(col('alarmPolicy', 'raiseLevel')).to.equal(false);
    });

    it('renders an alarmType INDEX column as BcmAlarmTypeIndex (one sub-identifier), other alarmType columns as AutonomousType', () => {
      const ctx = typeContext(model);
      expect(indexSyntaxOf(T.alarmType, ctx, 'x')).to.include({ syntax: 'BcmAlarmTypeIndex', base: 'Unsigned32', indexLength: 1 });
      expect(syntaxOf(T.alarmType, ctx, 'x')).to.include({ syntax: 'AutonomousType', base: 'OBJECT IDENTIFIER' });
      expect(indexSyntaxOf(T.name, ctx, 'x')).to.deep.equal(syntaxOf(T.name, ctx, 'x'));
    });

    it('refuses an alarm type whose arc cannot be an INDEX sub-identifier', () => {
      const bad = { ...model, alarmTypes: [...model.alarmTypes.slice(1), { ...model.alarmTypes[0], arc: 0 }] };
      expect(validateModel(bad).join('\n')).to.match(/arc 0 is not in 1\.\.4294967295/);
    });
  });

  describe('MIB access (one rule for the MIB generator and the SNMP agent)', () => {
    const access = (cls: string, attr: string): string => modelIndex.mibAccess(modelIndex.cls(cls), modelIndex.attr(cls, attr));

    it('makes the own keys of a table not-accessible', () => {
      expect(access('peer', 'index')).to.equal('not-accessible');
      expect(access('network', 'name')).to.equal('not-accessible');
      expect(access('node', 'name')).to.equal('not-accessible');
    });

    it('makes configuration and writable state read-write, other state read-only', () => {
      expect(access('network', 'description')).to.equal('read-write');
      expect(access('network', 'pollInterval')).to.equal('read-write');
      expect(access('alarm', 'operatorState')).to.equal('read-write');
      expect(access('alarm', 'operatorText')).to.equal('read-write');
      expect(access('peer', 'address')).to.equal('read-only');
      expect(access('node', 'rpcErrors')).to.equal('read-only');
    });

    // A small model for the cases the real one does not have.
    const attr = (arc: number, name: string, type: ScalarType, acc: 'config' | 'state', extra: Partial<Attribute> = {}): Attribute =>
      ({ arc, name, type, access: acc, description: name, ...extra });
    const cls = (c: Partial<ObjectClass> & Pick<ObjectClass, 'name' | 'parent' | 'kind' | 'arc' | 'attributes'>): ObjectClass =>
      ({ clause: '7.1', description: c.name, mibPrefix: `x${c.name}`, ...c });
    const tiny: InformationModel = {
      ...model,
      classes: [
        cls({ name: 'root', parent: null, kind: 'container', arc: 1, attributes: [
          attr(1, 'count', T.counter64, 'config'), attr(2, 'gauge', T.gauge64, 'config'), attr(3, 'ratio', T.milli, 'state', { writable: true }),
          attr(4, 'level', T.level, 'config'), attr(5, 'seen', T.gauge32, 'state'),
        ] }),
        cls({ name: 'onlyKey', parent: 'root', kind: 'list', keys: ['id'], arc: 2, attributes: [attr(1, 'id', T.name, 'config')] }),
        cls({ name: 'keyed', parent: 'root', kind: 'list', keys: ['id'], arc: 3, attributes: [attr(1, 'id', T.name, 'config'), attr(2, 'v', T.bool, 'config')] }),
      ],
      alarmTypes: [], notifications: [],
    };
    const t = new ModelIndex(tiny);
    const tAccess = (c: string, a: string): string => t.mibAccess(t.cls(c), t.attr(c, a));

    it('keeps objects based on Counter64 read-only, even configuration and writable state (RFC 2578 7.1.10)', () => {
      expect(tAccess('root', 'count')).to.equal('read-only');
      expect(tAccess('root', 'gauge')).to.equal('read-only');
      expect(tAccess('root', 'ratio')).to.equal('read-only');
      expect(tAccess('root', 'level')).to.equal('read-write');
      expect(tAccess('root', 'seen')).to.equal('read-only');
    });

    it('leaves a key read-only when it is the only column of its table', () => {
      expect(tAccess('onlyKey', 'id')).to.equal('read-only');
      expect(tAccess('keyed', 'id')).to.equal('not-accessible');
      expect(tAccess('keyed', 'v')).to.equal('read-write');
    });

    it('calls Counter64-based exactly the types whose SMIv2 syntax is based on Counter64', () => {
      const ctx = typeContext(model);
      const anEnum = model.classes.flatMap((c) => c.attributes).find((a) => a.type.base === 'enum')!.type;
      const samples: Record<ScalarType['base'], ScalarType> = {
        name: T.name, text: T.text(), hex: T.hex(32), bigDecimal: T.big, int32: T.int32(), uint32: T.uint32(), gauge32: T.gauge32,
        counter64: T.counter64, gauge64: T.gauge64, milli: T.milli, level: T.level, boolean: T.bool, enum: anEnum,
        timestamp: T.time, uri: T.uri, alarmType: T.alarmType, resource: T.resource,
      };
      for (const [base, type] of Object.entries(samples)) {
        expect(counter64Based(type), base).to.equal(syntaxOf(type, ctx, base).base === 'Counter64');
      }
    });
  });
});
