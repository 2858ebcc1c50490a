import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mibAttributes, model, modelIndex } from '../../src/model';
import type { ObjectClass } from '../../src/model';
import { renderDocs } from '../../tools/render/docs';
import { projectRoot } from '../support/tools';

/** The subclause titles of draft ITU-T M.immbs (seed text), written out here independently of the renderer. */
const RECOMMENDATION_TITLES: readonly [string, string][] = [
  ['6', 'Overview'],
  ['7', 'Information model for management of blockchain system'],
  ['7.1', 'Top-level object class Relationship Diagram'],
  ['7.2', 'Blockchain resource management information model'],
  ['7.2.1', 'Information model for configuration management'],
  ['7.2.2', 'Information model for fault management'],
  ['7.2.3', 'Information model for performance management'],
  ['7.2.4', 'Information model for log management'],
  ['7.3', 'Blockchain service management information model'],
  ['7.3.1', 'Information model for ledger management'],
  ['7.3.2', 'Information model for consensus management'],
  ['7.3.3', 'Information model for contract management'],
  ['7.3.4', 'Information model for log cross-chain management'],
];

interface Section { readonly number: string; readonly title: string; readonly level: number; readonly text: string }

/** Splits the Markdown text at its numbered headings; a section's text runs to the next heading of any level. */
function sections(md: string): Section[] {
  const out: Section[] = [];
  const lines = md.split('\n');
  let current: { number: string; title: string; level: number; body: string[] } | undefined;
  for (const line of lines) {
    const m = /^(#{2,6}) (\d+(?:\.\d+)*) (.*)$/.exec(line);
    if (m) {
      if (current) out.push({ number: current.number, title: current.title, level: current.level, text: current.body.join('\n') });
      current = { number: m[2], title: m[3], level: m[1].length, body: [] };
    } else current?.body.push(line);
  }
  if (current) out.push({ number: current.number, title: current.title, level: current.level, text: current.body.join('\n') });
  return out;
}

/** Text of a section and all its subsections. */
function subtree(all: Section[], number: string): string {
  return all.filter((s) => s.number === number || s.number.startsWith(`${number}.`)).map((s) => s.text).join('\n');
}

function tableRow(text: string, firstCell: string): string | undefined {
  return text.split('\n').find((l) => l.startsWith(`| ${firstCell} |`));
}

describe('docs/information-model.md (clauses 6 and 7)', () => {
  const text = renderDocs(model);
  const all = sections(text);

  it('titles clauses 6 and 7 and every subclause exactly as the Recommendation does, in its order', () => {
    const numbered = all.filter((s) => RECOMMENDATION_TITLES.some(([n]) => n === s.number));
    expect(numbered.map((s) => [s.number, s.title])).to.deep.equal(RECOMMENDATION_TITLES);
  });

  it('nests the subclause headings by their number', () => {
    for (const s of all) expect(s.level, s.number).to.equal(s.number.split('.').length + 1);
  });

  it('states the provisional root OID in the overview', () => {
    const overview = subtree(all, '6');
    expect(overview).to.include(model.module.rootOidNote);
    expect(overview).to.include('RFC 3444');
    expect(overview).to.include(model.module.yangName);
    expect(overview).to.include(model.module.mibName);
  });

  it('draws every containment relationship in the Mermaid diagram and the relationship table of 7.1', () => {
    const s71 = all.find((s) => s.number === '7.1')!.text;
    const mermaid = /```mermaid\n([\s\S]*?)```/.exec(s71);
    expect(mermaid, 'mermaid block').to.not.equal(null);
    expect(mermaid![1]).to.match(/^classDiagram\n/);
    for (const c of model.classes) {
      expect(mermaid![1], c.name).to.include(`class ${c.name} {`);
      if (c.parent !== null) {
        expect(mermaid![1], c.name).to.match(new RegExp(`^  ${c.parent} "1" \\*-- "${c.kind === 'list' ? '0\\.\\.\\*' : '0\\.\\.1'}" ${c.name}$`, 'm'));
      }
      const row = tableRow(s71, `\`${c.name}\``);
      expect(row, `relationship row of ${c.name}`).to.be.a('string');
      expect(row).to.include(c.parent === null ? '| — |' : `| \`${c.parent}\` |`);
      for (const k of c.keys ?? []) expect(row).to.include(`\`${k}\``);
    }
  });

  it('describes every object class in the subclause of its clause, with a row per attribute', () => {
    const classSection = (c: ObjectClass): Section | undefined =>
      all.find((s) => s.title === `Object class ${c.name}` && s.number.startsWith(`${c.clause}.`) && s.number.split('.').length === c.clause.split('.').length + 1);
    for (const c of model.classes) {
      const s = classSection(c);
      expect(s, `section of ${c.name} in ${c.clause}`).to.not.equal(undefined);
      expect(s!.text).to.include(c.description);
      if (c.bound) expect(s!.text).to.include(c.bound.eviction);
      const inMib = modelIndex.mibRendering(c) === 'none' ? [] : mibAttributes(c);
      for (const a of c.attributes) {
        const row = tableRow(s!.text, `\`${a.name}\``);
        expect(row, `${c.name}.${a.name}`).to.be.a('string');
        expect(row).to.include(`\`${modelIndex.yangPath(c, a)}\``);
        expect(row).to.include(a.access === 'config' ? '| configuration' : '| state');
        if (inMib.includes(a)) expect(row).to.include(`\`${modelIndex.mibDescriptor(c, a)}\`<br>${modelIndex.attributeOid(c, a)} |`);
        else expect(row).to.match(/\| — \|$/);
        if (a.units) expect(row).to.include(`units: ${a.units}`);
        if (a.type.base === 'enum') for (const v of a.type.values) expect(row).to.include(`${v.name}=${v.value}`);
      }
      for (const x of c.actions ?? []) {
        const row = tableRow(s!.text, `\`${x.name}\``);
        expect(row, `action ${c.name}.${x.name}`).to.be.a('string');
        for (const p of Object.values(x.platforms)) expect(row).to.include(p.replace(/\|/g, '\\|'));
      }
    }
  });

  it('tabulates every alarm type with its X.733 fields, levels and identifiers in 7.2.2', () => {
    const fault = subtree(all, '7.2.2');
    for (const t of model.alarmTypes) {
      const rows = fault.split('\n').filter((l) => l.startsWith(`| \`${t.name}\` |`));
      expect(rows, t.name).to.have.length(2);
      const [main, levels] = rows;
      expect(main).to.include(`${t.probableCause.name}(${t.probableCause.value})`);
      expect(main).to.include(`| ${t.eventType} |`);
      expect(main).to.include(`\`${model.module.yangPrefix}:${modelIndex.alarmTypeIdentity(t)}\``);
      expect(main).to.include(`\`${modelIndex.alarmTypeDescriptor(t)}\`<br>${modelIndex.alarmTypeOid(t)} |`);
      expect(levels).to.include(`| ${t.levels.units} | ${t.levels.defaultRaise} | ${t.levels.defaultClear} | ${t.levels.defaultHoldDown} |`);
      if (t.clause !== '7.2.2') expect(subtree(all, t.clause), `${t.name} in ${t.clause}`).to.include(`\`${t.name}\``);
    }
    for (const n of model.notifications) {
      expect(tableRow(fault, `\`${n.name}\``), n.name).to.include(`\`${modelIndex.notificationDescriptor(n)}\`<br>${modelIndex.notificationOid(n)} |`);
    }
  });

  it('lists every event in the subclause of its clause', () => {
    for (const e of model.events) {
      const row = tableRow(subtree(all, e.clause), `\`${e.name}\``);
      expect(row, `${e.name} in ${e.clause}`).to.be.a('string');
      for (const p of e.parameters) expect(row).to.include(`\`${p.name}\``);
    }
  });

  it('is deterministic and ends with exactly one newline', () => {
    expect(renderDocs(model)).to.equal(text);
    expect(text.endsWith('\n')).to.equal(true);
    expect(text.endsWith('\n\n')).to.equal(false);
  });

  it('is checked in as rendered (npm run generate)', () => {
    const file = path.join(projectRoot, 'docs', 'information-model.md');
    expect(fs.existsSync(file), file).to.equal(true);
    expect(fs.readFileSync(file, 'utf8') === text, 'docs/information-model.md is stale: run npm run generate').to.equal(true);
  });
});
