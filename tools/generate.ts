/**
 * npm run generate: renders the information model (src/model) into its checked-in artifacts.
 *   yang/blockchain-mgmt@REVISION.yang, mibs/BLOCKCHAIN-MGMT-MIB.txt, docs/information-model.md,
 *   nms/prometheus/ (snmp_exporter module, alerting rules, example prometheus.yml)
 *   nms/zabbix/bcmgmt_template.yaml
 * With --check, writes nothing and exits 1 when a checked-in artifact differs from the rendering.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { model, validateModel } from '../src/model';
import { renderDocs } from './render/docs';
import { renderMib } from './render/mib';
import { prometheusArtifacts } from './render/prometheus-artifacts';
import { renderYang } from './render/yang';
import { ZABBIX_TEMPLATE_FILE, renderZabbixTemplate } from './render/zabbix';

export interface Artifact { readonly file: string; readonly text: string }

export function renderAll(): Artifact[] {
  const problems = validateModel(model);
  if (problems.length) throw new Error(`the model is inconsistent:\n${problems.join('\n')}`);
  const yang = renderYang(model);
  return [
    { file: path.join('yang', yang.fileName), text: yang.text },
    { file: path.join('mibs', `${model.module.mibName}.txt`), text: renderMib(model) },
    { file: path.join('docs', 'information-model.md'), text: renderDocs(model) },
    ...prometheusArtifacts(model),
    { file: ZABBIX_TEMPLATE_FILE, text: renderZabbixTemplate(model) },
  ];
}

/** Artifacts whose checked-in text differs from the rendering (relative paths). */
export function staleArtifacts(root: string): string[] {
  return renderAll().filter((a) => {
    const p = path.join(root, a.file);
    return !fs.existsSync(p) || fs.readFileSync(p, 'utf8') !== a.text;
  }).map((a) => a.file);
}

function main(): void {
  const root = path.resolve(__dirname, '..', '..');
  if (process.argv.includes('--check')) {
    const stale = staleArtifacts(root);
    if (stale.length) { console.error(`stale: ${stale.join(', ')} (run npm run generate)`); process.exit(1); }
    console.log('artifacts are up to date');
    return;
  }
  for (const a of renderAll()) {
    const p = path.join(root, a.file);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    const old = fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined;
    if (old !== a.text) { fs.writeFileSync(p, a.text); console.log(`wrote ${a.file}`); }
  }
}

if (require.main === module) main();
