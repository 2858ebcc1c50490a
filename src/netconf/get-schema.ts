/**
 * get-schema (RFC 6022 section 3.1): the text of a YANG module of the catalogue, by name and revision.
 */
import { InvalidValueError, MissingElementError } from './errors';
import type { ModuleCatalogue } from './modules';
import { NCM_NS } from './namespaces';
import { checkParams } from './params';
import { replyOpen } from './reply';
import type { Handled } from './session';
import { child, escapeText, resolveQName } from './xml';
import type { XmlElement } from './xml';

export function getSchema(catalogue: ModuleCatalogue, rpc: XmlElement, op: XmlElement): Handled {
  checkParams(op, ['identifier', 'version', 'format']);
  const id = child(op, 'identifier')?.text.trim();
  if (!id) throw new MissingElementError('identifier', '<get-schema> needs <identifier>');
  const version = child(op, 'version')?.text.trim() || undefined;
  const fmtEl = child(op, 'format');
  if (fmtEl) {
    const q = resolveQName(fmtEl, fmtEl.text);
    if (!q || q.name !== 'yang' || (q.ns !== NCM_NS && q.ns !== '')) throw new InvalidValueError(`format ${fmtEl.text.trim()} is not supported (yang only)`, { info: [{ name: 'bad-element', value: 'format' }] });
  }
  const found = catalogue.schemaText(id, version);
  if (!found) throw new InvalidValueError(`no schema ${id}${version ? `@${version}` : ''} is available`, { info: [{ name: 'bad-element', value: 'identifier' }] });
  return { reply: `${replyOpen(rpc)}<data xmlns="${NCM_NS}">${escapeText(found.text.toString('utf8'))}</data></rpc-reply>` };
}
