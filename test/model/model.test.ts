import { expect } from 'chai';
import { model, modelIndex, validateModel } from '../../src/model';

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
    expect(model.alarmTypes).to.have.length(10);
    for (const t of model.alarmTypes) {
      expect(t.probableCause.value, t.name).to.be.greaterThan(300);
      expect(t.eventType, t.name).to.be.a('string');
    }
  });

  it('declares the node actions', () => {
    const actions = (modelIndex.cls('node').actions ?? []).map((a) => a.name);
    expect(actions).to.include.members(['addPeer', 'removePeer', 'setNetworkActive', 'startBlockProduction', 'stopBlockProduction', 'setLogLevel']);
  });
});
