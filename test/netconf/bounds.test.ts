/**
 * The documented bounds (issue 12 items 3 and 9): every configurable list and leaf-list of the model has a
 * maximum; a configuration of exactly that many entries is accepted, one more is refused with an error naming
 * the list and the maximum, from a configuration file (ConfigError) and over NETCONF (operation-failed,
 * error-app-tag too-many-elements, error-path the list, RFC 7950 section 15.2); the XML parser and the XPath
 * evaluator accept their largest inputs and refuse one more; an undeclared prefix in an XPath filter is an
 * rpc-error (invalid-value, bad-attribute select), through ncclient and over HTTP; a client hello is parsed only
 * up to MAX_HELLO_CHARS.
 */
import { expect } from 'chai';
import { ConfigError, ListBoundError, hasConfig, validateDocument } from '../../src/config/document';
import type { ConfigObject } from '../../src/config/document';
import { parseConfigText } from '../../src/config/load';
import { checkReferences } from '../../src/config/references';
import { modelIndex } from '../../src/model';
import type { ObjectClass } from '../../src/model';
import { XML_LIMITS, parseXml } from '../../src/netconf/xml';
import { XPATH_LIMITS, XPathLimitError, parseXPath } from '../../src/netconf/xpath';
import { MAX_HELLO_CHARS } from '../../src/netconf/session';
import { ADMIN, BCM, EOM, NC, RawNetconf, READER, chunk, httpRequest, login, ncclient, rpc, startNetconfBridge } from '../support/netconf';
import type { NetconfBridge } from '../support/netconf';
import { requireNcclient } from '../support/tools';

const addr = (i: number): string => `0x${i.toString(16).padStart(40, '0')}`;

/**
 * For each bounded list: a configuration document with n valid entries of it (references resolved), and the
 * configuration-file path of the list.
 */
const LISTS: Record<string, { path: string; doc: (n: number) => ConfigObject }> = {
  network: { path: 'networks', doc: (n) => ({ networks: Array.from({ length: n }, (_, i) => ({ name: `net${i}`, platform: 'ethereum' })) }) },
  node: { path: 'networks[0].nodes', doc: (n) => ({ networks: [{ name: 'a', platform: 'ethereum', nodes: Array.from({ length: n }, (_, i) => ({ name: `n${i}`, endpoint: `http://127.0.0.1:${1 + i}` })) }] }) },
  contract: { path: 'networks[0].contracts', doc: (n) => ({ networks: [{ name: 'a', platform: 'ethereum', contracts: Array.from({ length: n }, (_, i) => ({ address: addr(i + 1) })) }] }) },
  crossChainChannel: { path: 'networks[0].crossChainChannels', doc: (n) => ({ networks: [
    { name: 'a', platform: 'ethereum', crossChainChannels: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, counterparty: 'b', sourceContract: addr(1), destContract: addr(2), sentEvent: 'Sent(bytes32)', receivedEvent: 'Received(bytes32)' })) },
    { name: 'b', platform: 'ethereum' }] }) },
  alarmPolicy: { path: 'fault.alarmPolicies', doc: (n) => ({ fault: { alarmPolicies: Array.from({ length: n }, (_, i) => ({ type: modelIndex.model.alarmTypes[i % modelIndex.model.alarmTypes.length].name })) } }) },
  measurementJob: { path: 'performance.measurementJobs', doc: (n) => ({ performance: { measurementJobs: Array.from({ length: n }, (_, i) => ({ name: `j${i}`, metrics: ['blocks'] })) } }) },
  threshold: { path: 'performance.thresholds', doc: (n) => ({ performance: { measurementJobs: [{ name: 'j', metrics: ['blocks'] }],
    thresholds: Array.from({ length: n }, (_, i) => ({ name: `t${i}`, job: 'j', metric: 'blocks', raiseLevel: 10, clearLevel: 5 })) } }) },
  logTarget: { path: 'log.logTargets', doc: (n) => ({ log: { logTargets: Array.from({ length: n }, (_, i) => ({ name: `t${i}`, host: '127.0.0.1', port: 1 + i })) } }) },
  logComponent: { path: 'log.logComponents', doc: (n) => ({ log: { logComponents: Array.from({ length: n }, (_, i) => ({ name: `comp${i}`, level: 'debug' })) } }) },
  notificationTarget: { path: 'configuration.notificationTargets', doc: (n) => ({ configuration: { notificationTargets: Array.from({ length: n }, (_, i) => ({ name: `n${i}`, host: '127.0.0.1', port: 1 + i })) } }) },
  snmpCommunity: { path: 'configuration.snmpCommunities', doc: (n) => ({ configuration: { snmpCommunities: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, community: `community-${i}` })) } }) },
  snmpUser: { path: 'configuration.snmpUsers', doc: (n) => ({ configuration: { snmpUsers: Array.from({ length: n }, (_, i) => ({ name: `u${i}`, authKey: `auth-key-${i}`, privKey: `priv-key-${i}` })) } }) },
  managementUser: { path: 'configuration.managementUsers', doc: (n) => ({ configuration: { managementUsers: Array.from({ length: n }, (_, i) => ({ name: `m${i}`, password: `password-${i}` })) } }) },
};

/** For each bounded leaf-list: a document with n values of it, and its path. */
const LEAF_LISTS: Record<string, { path: string; doc: (n: number) => ConfigObject }> = {
  'consensus.validators': { path: 'networks[0].consensus.validators', doc: (n) => ({ networks: [{ name: 'a', platform: 'beacon', consensus: { validators: Array.from({ length: n }, (_, i) => String(i)) } }] }) },
  'measurementJob.metrics': { path: 'performance.measurementJobs[0].metrics', doc: (n) => ({ performance: { measurementJobs: [{ name: 'j',
    metrics: Array.from({ length: n }, (_, i) => ['blocks', 'transactions', 'tps'][i % 3]) }] } }) },
  'measurementJob.resources': { path: 'performance.measurementJobs[0].resources', doc: (n) => ({ performance: { measurementJobs: [{ name: 'j', resources: Array.from({ length: n }, (_, i) => `network/n${i}`) }] } }) },
  'managementUser.publicKey': { path: 'configuration.managementUsers[0].publicKey', doc: (n) => ({ configuration: { managementUsers: [{ name: 'm', password: 'password-1',
    publicKey: Array.from({ length: n }, (_, i) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${String(i).padStart(43, 'A')} k${i}`) }] } }) },
};

/** The list at a configuration path such as "networks[0].nodes". */
function listAt(doc: ConfigObject, path: string): unknown[] {
  let v: unknown = doc;
  for (const seg of path.split('.')) {
    const m = /^(\w+)(?:\[(\d+)\])?$/.exec(seg)!;
    v = (v as Record<string, unknown>)[m[1]];
    if (m[2] !== undefined) v = (v as unknown[])[Number(m[2])];
  }
  return v as unknown[];
}

function fromFile(doc: ConfigObject): ConfigObject {
  const d = parseConfigText(JSON.stringify(doc), 'bounds.json');
  checkReferences(d);
  return d;
}

describe('configuration list bounds', () => {
  it('every configurable list and leaf-list of the model has a maximum, and this test covers it', () => {
    const lists = modelIndex.model.classes.filter((c) => c.kind === 'list' && hasConfig(c));
    for (const c of lists) {
      expect(c.maxElements, `${c.name}.maxElements`).to.be.a('number');
      expect(LISTS, `a test document for ${c.name}`).to.have.property(c.name);
    }
    const leafLists = modelIndex.model.classes.flatMap((c) => c.attributes.filter((a) => a.multi && a.access === 'config').map((a) => ({ c, a })));
    for (const { c, a } of leafLists) {
      expect(a.maxElements, `${c.name}.${a.name}.maxElements`).to.be.a('number');
      expect(LEAF_LISTS, `a test document for ${c.name}.${a.name}`).to.have.property(`${c.name}.${a.name}`);
    }
  });

  for (const [name, t] of Object.entries(LISTS)) {
    it(`${name}: a configuration file with the maximum is accepted, one more is refused naming the list and the maximum`, () => {
      const cls: ObjectClass = modelIndex.cls(name);
      const max = cls.maxElements!;
      const distinct = name === 'alarmPolicy' ? Math.min(max, modelIndex.model.alarmTypes.length) : max; // keyed by alarm type
      const ok = fromFile(t.doc(distinct));
      expect(listAt(ok, t.path), `${name}: entries accepted`).to.have.length(distinct);
      let err: unknown;
      try { fromFile(t.doc(max + 1)); } catch (e) { err = e; }
      expect(err, `${name}: ${max + 1} entries`).to.be.instanceOf(ListBoundError);
      expect((err as ConfigError).path).to.equal(t.path);
      expect((err as ConfigError).message).to.include(`at most ${max} ${name} entries`);
    });
  }

  for (const [key, t] of Object.entries(LEAF_LISTS)) {
    it(`leaf-list ${key}: the maximum of values is accepted, one more is refused`, () => {
      const [cls, attr] = key.split('.');
      const max = modelIndex.attr(modelIndex.cls(cls), attr).maxElements!;
      expect(() => validateDocument(t.doc(max))).not.to.throw();
      expect(() => validateDocument(t.doc(max + 1))).to.throw(ListBoundError, new RegExp(`${t.path.replace(/[[\].]/g, '\\$&')}: has more than ${max} entries`));
    });
  }
});

describe('XML and XPath bounds', () => {
  const withAttrs = (n: number): string => `<rpc message-id="1" xmlns="${NC}"><get${Array.from({ length: n - 1 }, (_, i) => ` a${i}="v"`).join('')}/></rpc>`;
  it(`accepts ${XML_LIMITS.maxAttributes} attributes on an element and refuses one more`, () => {
    expect(parseXml(withAttrs(XML_LIMITS.maxAttributes + 1)).children[0].attrs).to.have.length(XML_LIMITS.maxAttributes);
    expect(() => parseXml(withAttrs(XML_LIMITS.maxAttributes + 2))).to.throw(`more than ${XML_LIMITS.maxAttributes} attributes on <get>`);
  });
  it(`accepts ${XML_LIMITS.maxPrefixesInScope} prefixes in scope and refuses one more`, () => {
    // in scope already: xml and the default namespace
    const nested = (n: number): string => `<rpc message-id="1" xmlns="${NC}">${Array.from({ length: n }, (_, i) => `<e${i} xmlns:p${i}="urn:x:${i}">`).join('')}` +
      `${Array.from({ length: n }, (_, i) => `</e${n - 1 - i}>`).join('')}</rpc>`;
    expect(parseXml(nested(XML_LIMITS.maxPrefixesInScope - 2)).name).to.equal('rpc');
    expect(() => parseXml(nested(XML_LIMITS.maxPrefixesInScope - 1))).to.throw(`more than ${XML_LIMITS.maxPrefixesInScope} namespace prefixes in scope`);
  });
  it(`accepts ${XML_LIMITS.maxNamespaceDeclarations} scope-changing namespace declarations, refuses one more, and does not count redundant ones`, () => {
    const siblings = (n: number): string => `<rpc message-id="1" xmlns="${NC}">${Array.from({ length: n - 1 }, (_, i) => `<p:a xmlns:p="urn:x:${i}"/>`).join('')}</rpc>`;
    expect(parseXml(siblings(XML_LIMITS.maxNamespaceDeclarations)).children).to.have.length(XML_LIMITS.maxNamespaceDeclarations - 1);
    expect(() => parseXml(siblings(XML_LIMITS.maxNamespaceDeclarations + 1))).to.throw(`more than ${XML_LIMITS.maxNamespaceDeclarations} namespace declarations`);
    const redundant = `<rpc message-id="1" xmlns="${NC}">${`<get xmlns="${NC}"/>`.repeat(XML_LIMITS.maxNamespaceDeclarations * 2)}</rpc>`;
    expect(parseXml(redundant).children).to.have.length(XML_LIMITS.maxNamespaceDeclarations * 2);
  });
  it(`accepts nesting ${XML_LIMITS.maxDepth} deep and refuses one more`, () => {
    const deep = (n: number): string => `${'<a>'.repeat(n)}${'</a>'.repeat(n)}`;
    expect(parseXml(deep(XML_LIMITS.maxDepth)).name).to.equal('a');
    expect(() => parseXml(deep(XML_LIMITS.maxDepth + 1))).to.throw(`nested deeper than ${XML_LIMITS.maxDepth}`);
  });
  it('bounds XPath expressions in length, tokens and nesting', () => {
    const bcm = (p: string): string | undefined => (p === 'bcm' ? BCM : undefined);
    const long = `/bcm:managed-system[bcm:name='${'x'.repeat(XPATH_LIMITS.maxLength - 40)}']`;
    expect(long.length).to.be.at.most(XPATH_LIMITS.maxLength);
    expect(() => parseXPath(long, bcm)).not.to.throw();
    expect(() => parseXPath(`${long}${' '.repeat(XPATH_LIMITS.maxLength - long.length + 1)}`, bcm)).to.throw(XPathLimitError, /longer than/);
    const terms = (n: number): string => Array.from({ length: n }, () => '/a').join('|'); // 3 tokens a term, but the first has 2
    expect(() => parseXPath(terms(Math.floor((XPATH_LIMITS.maxTokens + 1) / 3)), bcm)).not.to.throw();
    expect(() => parseXPath(terms(Math.floor((XPATH_LIMITS.maxTokens + 1) / 3) + 2), bcm)).to.throw(XPathLimitError, /tokens/);
    const nest = (n: number): string => `${'('.repeat(n)}/a${')'.repeat(n)}`;
    expect(() => parseXPath(nest(XPATH_LIMITS.maxNesting - 1), bcm)).not.to.throw();
    expect(() => parseXPath(nest(XPATH_LIMITS.maxNesting), bcm)).to.throw(XPathLimitError, /nested deeper/);
  });
});

describe('NETCONF: list bounds and undeclared XPath prefixes as rpc-errors', function () {
  this.timeout(120_000);
  let nb: NetconfBridge;
  before(async () => {
    nb = await startNetconfBridge({ networks: [{ name: 'dev', platform: 'ethereum', nodes: [{ name: 'n1', endpoint: 'http://127.0.0.1:9' }] }] });
  });
  after(async () => { await nb?.cleanup(); });

  const targets = (n: number): string => Array.from({ length: n }, (_, i) => `<log-target><name>t${i}</name><host>127.0.0.1</host></log-target>`).join('');
  const post = async (user: { name: string; password: string }, body: string): Promise<string> => {
    const r = await httpRequest(nb.httpPort, { body, user });
    expect(r.status).to.equal(200);
    return r.body;
  };
  const tooMany = (path: string): RegExp => new RegExp(`<error-type>application</error-type><error-tag>operation-failed</error-tag><error-severity>error</error-severity>` +
    `<error-app-tag>too-many-elements</error-app-tag><error-path xmlns:bcm="${BCM}">${path}</error-path><error-message xml:lang="en">[^<]*at most 64`);

  it('validate (read-only user, HTTP): 64 log targets are valid, 65 are operation-failed too-many-elements at the list', async () => {
    const max = modelIndex.cls('logTarget').maxElements!;
    const ok = await post(READER, rpc(1, `<validate><source><config><managed-system xmlns="${BCM}"><log>${targets(max)}</log></managed-system></config></source></validate>`));
    expect(ok).to.include('<ok/>');
    const refused = await post(READER, rpc(2, `<validate><source><config><managed-system xmlns="${BCM}"><log>${targets(max + 1)}</log></managed-system></config></source></validate>`));
    expect(refused).to.match(tooMany('/bcm:managed-system/bcm:log/bcm:log-target'));
  });

  it('edit-config (admin, HTTP): a leaf-list over its maximum is refused at the leaf-list; nothing changes', async () => {
    const keys = (n: number): string => Array.from({ length: n }, (_, i) => `<public-key>ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${String(i).padStart(43, 'A')} k${i}</public-key>`).join('');
    const edit = (n: number): string => rpc(3, `<edit-config><target><running/></target><config><managed-system xmlns="${BCM}"><configuration>` +
      `<management-user><name>extra</name><password>extra-password</password>${keys(n)}</management-user></configuration></managed-system></config></edit-config>`);
    const refused = await post(ADMIN, edit(65));
    expect(refused).to.match(tooMany("/bcm:managed-system/bcm:configuration/bcm:management-user\\[bcm:name='extra'\\]/bcm:public-key"));
    expect(nb.bridge.datastore.get('running').configuration).to.not.have.nested.property('managementUsers[2]');
    expect(await post(ADMIN, edit(64))).to.include('<ok/>');
  });

  it(`a client hello over ${MAX_HELLO_CHARS} characters closes the session without being parsed; one just under is accepted`, async () => {
    const hello = (chars: number): string => {
      const head = `<hello xmlns="${NC}"><capabilities><capability>urn:ietf:params:netconf:base:1.1</capability>`;
      const tail = '</capabilities></hello>';
      const pad = '<capability>urn:x:pad</capability>';
      const n = Math.floor((chars - head.length - tail.length) / pad.length);
      return `${head}${pad.repeat(n)}${tail}`;
    };
    const big = await RawNetconf.connect(nb.sshPort, READER);
    await big.waitFor(/<\/hello>\]\]>\]\]>/);
    big.write(`${hello(MAX_HELLO_CHARS + 100)}${EOM}`);
    expect(await big.waitClosed(), 'session closed').to.equal(true);
    const ok = await RawNetconf.connect(nb.sshPort, READER);
    await ok.waitFor(/<\/hello>\]\]>\]\]>/);
    const h = hello(MAX_HELLO_CHARS);
    expect(h.length).to.be.at.most(MAX_HELLO_CHARS);
    ok.write(`${h}${EOM}`);
    ok.write(chunk(rpc(20, '<get-config><source><running/></source></get-config>')));
    await ok.waitFor(/message-id="20"[^]*<name>dev<\/name>/);
    ok.close();
  });

  it('an undeclared prefix in an XPath filter is invalid-value naming the select attribute (HTTP)', async () => {
    const reply = await post(READER, rpc(4, '<get><filter type="xpath" select="/foo:bar"/></get>'));
    expect(reply).to.match(/<error-tag>invalid-value<\/error-tag>[^]*prefix foo is not declared[^]*<bad-attribute>select<\/bad-attribute><bad-element>filter<\/bad-element>/);
    const declared = await post(READER, rpc(5, `<get><filter type="xpath" xmlns:foo="${BCM}" select="/foo:managed-system/foo:network/foo:name"/></get>`));
    expect(declared).to.include('<name>dev</name>');
  });

  it('ncclient: an undeclared prefix in an XPath filter is an RPCError, not empty data; 65 log targets in <validate> are refused', async function () {
    requireNcclient(this);
    const inline = `<config xmlns="${NC}"><managed-system xmlns="${BCM}"><log>${targets(65)}</log></managed-system></config>`;
    const res = await ncclient(nb.sshPort, [
      login(READER),
      { op: 'get', filter: ['xpath', '/foo:bar'] },
      { op: 'get', filter: ['xpath', [{ bcm: BCM }, '/bcm:managed-system/bcm:network/bcm:name']] },
      { op: 'rpc', xml: `<validate xmlns="${NC}"><source>${inline}</source></validate>` },
    ]);
    expect(res[1].ok, JSON.stringify(res[1])).to.equal(false);
    expect(res[1].error?.tag, JSON.stringify(res[1])).to.equal('invalid-value');
    expect(res[1].error?.message).to.include('prefix foo is not declared');
    expect(JSON.stringify(res[1].error)).to.include('select'); // ncclient's RPCError carries error-info as a dict or text
    expect(res[2].ok).to.equal(true);
    expect(res[2].xml).to.include('<name>dev</name>');
    expect(res[3].ok, JSON.stringify(res[3]).slice(0, 2000)).to.equal(false);
    expect(res[3].error, JSON.stringify(res[3]).slice(0, 2000)).to.be.an('object');
    expect(res[3].error?.tag).to.equal('operation-failed');
    expect(res[3].error?.path).to.equal('/bcm:managed-system/bcm:log/bcm:log-target');
    expect(res[3].error?.message).to.include('at most 64 logTarget entries');
  });
});
