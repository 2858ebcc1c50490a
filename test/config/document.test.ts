import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigDatastore } from '../../src/config/datastore';
import { diffDocuments } from '../../src/config/diff';
import { ConfigError, validateDocument } from '../../src/config/document';
import { parseConfigText } from '../../src/config/load';
import { networkSettings } from '../../src/config/settings';
import { openDb } from '../../src/store/db';

function errorOf(f: () => unknown): ConfigError {
  try { f(); } catch (e) { if (e instanceof ConfigError) return e; throw e; }
  throw new Error('no error');
}

const YAML = `
networks:
  - name: ltc
    platform: bitcoin
    pollInterval: 2
    nodes:
      - name: a
        endpoint: http://127.0.0.1:19443
        username: rpc
        passwordEnv: LTC_TEST_PASSWORD
  - name: dev
    platform: ethereum
    consensus: { windowSize: 50 }
    nodes:
      - { name: n1, endpoint: "http://127.0.0.1:8545", wsEndpoint: "ws://127.0.0.1:8546" }
`;

describe('configuration document', () => {
  it('reads YAML, applies model defaults and resolves secrets from the environment', () => {
    const doc = parseConfigText(YAML, 'test.yaml');
    const nets = networkSettings(doc, { LTC_TEST_PASSWORD: 's3cret' });
    expect(nets[0]).to.include({ name: 'ltc', platform: 'bitcoin', pollInterval: 2, windowSize: 100 });
    expect(nets[0].nodes[0]).to.include({ username: 'rpc', password: 's3cret', role: 'full' });
    expect(nets[1]).to.include({ pollInterval: 5, windowSize: 50 });
  });

  it('names the field of a missing environment variable', () => {
    const doc = parseConfigText(YAML, 'test.yaml');
    expect(errorOf(() => networkSettings(doc, {})).message).to.equal('networks[0].nodes[0].passwordEnv: environment variable LTC_TEST_PASSWORD is not set');
  });

  const cases: [string, unknown, string][] = [
    ['unknown field', { networks: [{ name: 'a', platform: 'ethereum', colour: 'red' }] }, 'networks[0].colour'],
    ['state is not configuration', { networks: [{ name: 'a', platform: 'ethereum', chainId: '1' }] }, 'networks[0].chainId: is state of network'],
    ['out of range', { networks: [{ name: 'a', platform: 'ethereum', pollInterval: 0 }] }, 'networks[0].pollInterval: 0 is out of range 1..3600'],
    ['bad enum', { networks: [{ name: 'a', platform: 'fabric' }] }, 'networks[0].platform: "fabric" is not one of ethereum, bitcoin'],
    ['bad name', { networks: [{ name: 'a b', platform: 'ethereum' }] }, 'networks[0].name: "a b" is not a name'],
    ['bad URL', { networks: [{ name: 'a', platform: 'ethereum', nodes: [{ name: 'n', endpoint: 'ftp://x' }] }] }, 'networks[0].nodes[0].endpoint: "ftp://x" is not an http(s) or ws(s) URL'],
    ['duplicate key', { networks: [{ name: 'a', platform: 'ethereum' }, { name: 'a', platform: 'bitcoin' }] }, 'networks[1]: duplicate network a'],
    ['missing key', { networks: [{ platform: 'ethereum' }] }, 'networks[0].name: is required (key)'],
  ];
  for (const [what, doc, msg] of cases) {
    it(`refuses ${what}, naming the field`, () => {
      expect(errorOf(() => validateDocument(doc)).message).to.contain(msg);
    });
  }

  it('refuses text that is not YAML', () => {
    expect(errorOf(() => parseConfigText('networks: [ {', 'x.yaml')).message).to.match(/^x\.yaml: not valid YAML or JSON/);
  });

  it('diffs by key, hiding secrets', () => {
    const a = validateDocument({ networks: [{ name: 'a', platform: 'ethereum', pollInterval: 5 }], configuration: { snmpCommunities: [{ name: 'ro', community: 'x' }] } });
    const b = validateDocument({ networks: [{ name: 'a', platform: 'ethereum', pollInterval: 2, nodes: [{ name: 'n', endpoint: 'http://h:1' }] }], configuration: { snmpCommunities: [{ name: 'ro', community: 'y' }] } });
    expect(diffDocuments(a, b)).to.deep.equal([
      '~ networks[a].pollInterval: 5 -> 2',
      '+ networks[a].nodes[n]',
      '~ networks[a].nodes[n].endpoint: (default) -> "http://h:1"',
      '~ configuration.snmpCommunities[ro].community: *** -> ***',
    ]);
  });
});

describe('configuration datastore', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-ds-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('commits atomically, audits, and survives a reopen', () => {
    const db = openDb(dir);
    const ds = new ConfigDatastore(db);
    const applied: unknown[] = [];
    ds.setApplyHook((doc) => applied.push(doc));
    const r = ds.commit('running', { networks: [{ name: 'a', platform: 'ethereum' }] }, { user: 'alice', source: 'test' });
    expect(r.diff).to.deep.equal(['+ networks[a]', '~ networks[a].platform: (default) -> "ethereum"']);
    expect(applied).to.have.length(1);
    db.close();
    const ds2 = new ConfigDatastore(openDb(dir));
    expect(ds2.get('running')).to.deep.equal({ networks: [{ name: 'a', platform: 'ethereum' }] });
    expect(ds2.commitCount).to.equal(1);
    expect(ds2.audit()[0]).to.include({ user: 'alice', source: 'test', target: 'running' });
  });

  it('changes nothing when the apply hook refuses, and puts the previous configuration back', () => {
    const ds = new ConfigDatastore(openDb(dir));
    const seen: string[] = [];
    ds.setApplyHook((doc) => {
      const n = JSON.stringify(doc);
      seen.push(n);
      if (n.includes('bad')) throw new ConfigError('networks[0].nodes[0]', 'cannot reach');
    });
    ds.commit('running', { networks: [{ name: 'ok', platform: 'ethereum' }] }, { user: 'u', source: 't' });
    expect(() => ds.commit('running', { networks: [{ name: 'bad', platform: 'ethereum' }] }, { user: 'u', source: 't' })).to.throw(ConfigError);
    expect(ds.get('running')).to.deep.equal({ networks: [{ name: 'ok', platform: 'ethereum' }] });
    expect(seen[seen.length - 1]).to.contain('"ok"');
    expect(ds.commitCount).to.equal(1);
  });

  it('refuses a dangling reference with its path', () => {
    const ds = new ConfigDatastore(openDb(dir));
    expect(() => ds.commit('running', { performance: { thresholds: [{ name: 't', job: 'nope', metric: 'blocks', raiseLevel: 2, clearLevel: 1 }] } }, { user: 'u', source: 't' }))
      .to.throw('performance.thresholds[0].job: "nope" is not a configured measurement job');
  });
});
