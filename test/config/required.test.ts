/**
 * The YANG module says what the server enforces (issue 12 item 10). For every configuration attribute of the
 * model, a valid document with one instance of every configuration class is built from the model, the
 * attribute is taken out of it, and the result is given to both
 *   - the server's validation path (ConfigDatastore.validate: what edit-config, validate, copy-config and a
 *     configuration file go through), and
 *   - yanglint -t config on the checked-in module of yang/ (test/tools/yang.test.ts proves it is the current
 *     rendering), the document written as the server writes <get-config> data;
 * a required attribute is refused by both, an optional one accepted by both.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigDatastore } from '../../src/config/datastore';
import { ConfigError, fieldOf, hasConfig } from '../../src/config/document';
import type { ConfigObject } from '../../src/config/document';
import { parseConfigText } from '../../src/config/load';
import { modelIndex } from '../../src/model';
import type { Attribute, ObjectClass } from '../../src/model';
import { leaf, inner, nodesToXml } from '../../src/netconf/data';
import type { DNode } from '../../src/netconf/data';
import { OUR_NS, leafText } from '../../src/netconf/schema';
import { openDb } from '../../src/store/db';
import { projectRoot, requireTool } from '../support/tools';

const yangDir = path.join(projectRoot, 'yang');
const ourModule = path.join(yangDir, fs.readdirSync(yangDir).find((f) => f.startsWith('blockchain-mgmt@'))!);

/** Key of the one instance of each list class: the class name where the key is a name. */
function keyValue(cls: ObjectClass, a: Attribute): string {
  return a.type.base === 'name' ? cls.name : sampleValue(cls, a) as string;
}

/**
 * A value of an attribute's type that the server accepts: its default, else one per type. Where a value
 * refers to another entry or must agree with another attribute, the document's other instance is named.
 */
function sampleValue(cls: ObjectClass, a: Attribute): ConfigObject[string] {
  const refs: Record<string, string | number> = {
    'crossChainChannel.counterparty': 'network', 'threshold.job': 'measurementJob',
    'threshold.raiseLevel': 10, 'threshold.clearLevel': 5, 'alarmPolicy.raiseLevel': 10, 'alarmPolicy.clearLevel': 5,
  };
  const ref = refs[`${cls.name}.${a.name}`];
  if (ref !== undefined) return ref;
  if (a.default !== undefined) return a.default;
  const t = a.type;
  let v: string | number;
  switch (t.base) {
    case 'name': v = 'sample'; break;
    case 'text': case 'resource': v = 'sample-text'; break;
    case 'uri': v = 'http://127.0.0.1:8545'; break;
    case 'hex': v = '0x' + '11'.repeat(t.fixedLength ?? Math.min(t.maxLength ?? 4, 4)); break;
    case 'bigDecimal': v = '1'; break;
    case 'int32': case 'uint32': v = t.min ?? 1; break;
    case 'enum': v = t.values[0].name; break;
    case 'alarmType': v = modelIndex.model.alarmTypes[0].name; break;
    case 'timestamp': v = new Date(0).toISOString(); break;
    case 'boolean': return true;
    default: v = 1;
  }
  return a.multi ? [String(v)] : v;
}

/** One instance of cls with every configuration attribute set, and the configuration classes it contains. */
function instanceOf(cls: ObjectClass): ConfigObject {
  const o: ConfigObject = {};
  for (const a of cls.attributes) {
    if (a.access !== 'config') continue;
    o[a.name] = (cls.keys ?? []).includes(a.name) ? keyValue(cls, a) : sampleValue(cls, a);
  }
  for (const c of modelIndex.childrenOf(cls).filter(hasConfig)) o[fieldOf(c)] = c.kind === 'list' ? [instanceOf(c)] : instanceOf(c);
  return o;
}

/** The document field path of a class's one instance, from the root ("networks", 0, "nodes", 0). */
function placeOf(cls: ObjectClass): (string | number)[] {
  return modelIndex.ancestry(cls).slice(1).flatMap((c) => (c.kind === 'list' ? [fieldOf(c), 0] : [fieldOf(c)]));
}

/**
 * The document as YANG XML configuration data, secrets included (the server's <get-config> leaves them out,
 * but yanglint must see what an edit-config would carry).
 */
function configNode(cls: ObjectClass, o: ConfigObject): DNode {
  const keys = (cls.keys ?? []).map((k) => modelIndex.attr(cls, k));
  const kids: DNode[] = [];
  for (const a of [...keys, ...cls.attributes.filter((x) => x.access === 'config' && !keys.includes(x))]) {
    const v = o[a.name];
    if (v === undefined) continue;
    for (const x of Array.isArray(v) ? v as unknown as string[] : [v as string | number | boolean]) {
      const t = leafText(a.type, x);
      kids.push(leaf(modelIndex.yangLeafName(a), OUR_NS, t.text, t.valueNs));
    }
  }
  for (const c of modelIndex.childrenOf(cls).filter(hasConfig)) {
    const v = o[fieldOf(c)];
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v as ConfigObject[] : [v as ConfigObject]) kids.push(configNode(c, item));
  }
  return inner(modelIndex.yangNodeName(cls), OUR_NS, kids, cls.kind === 'list' ? keys.length : undefined);
}

function withoutAttribute(doc: ConfigObject, cls: ObjectClass, attr: string): ConfigObject {
  const copy = structuredClone(doc);
  let o: unknown = copy;
  for (const step of placeOf(cls)) o = (o as Record<string | number, unknown>)[step];
  expect(o, `${cls.name} instance in the document`).to.be.an('object');
  expect((o as ConfigObject)[attr], `${cls.name}.${attr} set in the full document`).not.to.equal(undefined);
  delete (o as ConfigObject)[attr];
  return copy;
}

describe('required configuration attributes: the server and the YANG module agree (yanglint -t config)', function () {
  this.timeout(120_000);
  let tmp = '';
  let ds: ConfigDatastore;
  let db: ReturnType<typeof openDb>;
  const full = instanceOf(modelIndex.root);

  before(function () {
    requireTool(this, 'yanglint', 'libyang2-tools');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bcm-required-'));
    db = openDb(path.join(tmp, 'data'));
    ds = new ConfigDatastore(db);
  });
  after(() => {
    db?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** undefined when the server accepts the document, else the error it gives. */
  const server = (doc: ConfigObject): ConfigError | undefined => {
    try {
      const normalised = ds.validate(doc);
      parseConfigText(JSON.stringify(normalised), 'required.json');
      return undefined;
    } catch (e) {
      if (e instanceof ConfigError) return e;
      throw e;
    }
  };
  let n = 0;
  const yanglint = (doc: ConfigObject): { status: number | null; out: string } => {
    const file = path.join(tmp, `config-${n++}.xml`);
    fs.writeFileSync(file, nodesToXml([configNode(modelIndex.root, doc)]));
    const r = spawnSync('yanglint', ['-p', yangDir, '-t', 'config', ourModule, file], { encoding: 'utf8', cwd: tmp });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  };

  it('the document with every configuration attribute set is accepted by both', () => {
    expect(server(full)?.message).to.equal(undefined);
    const v = yanglint(full);
    expect(v.out).to.equal('');
    expect(v.status).to.equal(0);
  });

  const classes = modelIndex.model.classes.filter((c) => hasConfig(c) && c.attributes.some((a) => a.access === 'config' && !(c.keys ?? []).includes(a.name)));
  for (const cls of classes) {
    for (const a of cls.attributes.filter((x) => x.access === 'config' && !(cls.keys ?? []).includes(x.name))) {
      const required = a.required === true || a.requiredUnless !== undefined;
      it(`${cls.name}.${a.name} ${required ? 'missing is refused' : 'absent is accepted'} by both`, () => {
        const doc = withoutAttribute(full, cls, a.name);
        const err = server(doc);
        const v = yanglint(doc);
        if (required) {
          expect(err?.message, 'server').to.match(new RegExp(`\\.${a.name}: is required`));
          expect(v.status, `yanglint accepted a document without ${a.name}`).not.to.equal(0);
          expect(v.out).to.include(a.required ? `Mandatory node "${modelIndex.yangLeafName(a)}"` : `${modelIndex.yangLeafName(a)} is required unless`);
        } else {
          expect(err?.message, 'server').to.equal(undefined);
          expect(v.out, 'yanglint').to.equal('');
          expect(v.status).to.equal(0);
        }
      });
    }
  }

  it('attributes required unless a sibling has a value may be absent when every such sibling has it, for both', () => {
    const classesWith = modelIndex.model.classes.filter((c) => c.attributes.some((x) => x.requiredUnless));
    expect(classesWith).not.to.be.empty;
    for (const cls of classesWith) {
      const doc = structuredClone(full);
      let o: unknown = doc;
      for (const step of placeOf(cls)) o = (o as Record<string | number, unknown>)[step];
      for (const a of cls.attributes.filter((x) => x.requiredUnless)) {
        (o as ConfigObject)[a.requiredUnless!.attribute] = a.requiredUnless!.value;
        delete (o as ConfigObject)[a.name];
      }
      expect(server(doc)?.message, cls.name).to.equal(undefined);
      const v = yanglint(doc);
      expect(v.out, cls.name).to.equal('');
      expect(v.status).to.equal(0);
    }
  });

  it('the model marks required only configuration attributes without a default, and never a key', () => {
    for (const c of modelIndex.model.classes) {
      for (const a of c.attributes.filter((x) => x.required)) {
        expect(a.access, `${c.name}.${a.name}`).to.equal('config');
        expect(a.default, `${c.name}.${a.name}`).to.equal(undefined);
        expect(c.keys ?? [], `${c.name}.${a.name}`).not.to.include(a.name);
      }
    }
  });
});
