/**
 * RFC 7951 JSON text written in pieces and handed out in chunks, for replies written while they are produced (the
 * JSON twin of src/netconf/xml-chunks.ts). Objects and arrays may be opened tentatively: a member is written only
 * when something is written inside it, so that a container found empty leaves nothing, as membersJson (json.ts)
 * leaves out a container without children; commas are placed per level.
 *
 *   w.openObject('blockchain-mgmt:managed-system'); w.member('name', '"x"'); w.close(false); w.take();
 */

interface Level {
  /** The text that opens it (`"name":{`, `"name":[`, `{`), written with its first content. */
  readonly open: string;
  readonly close: '}' | ']';
  /** Whether its opening text was written. */
  written: boolean;
  /** Whether something was written inside it (a comma goes before the next member or element). */
  filled: boolean;
}

export class JsonChunks {
  private parts: string[] = [];
  private chars = 0;
  private readonly levels: Level[] = [];

  /** Characters written and not yet taken. */
  get length(): number { return this.chars; }

  /** Opens an object: a member `"name":{` of the enclosing object, or an element `{` of the enclosing array (name undefined). */
  openObject(name?: string): void { this.push(name === undefined ? '{' : `${JSON.stringify(name)}:{`, '}'); }

  /** Opens an array member `"name":[` (list entries, leaf-list values). */
  openArray(name: string): void { this.push(`${JSON.stringify(name)}:[`, ']'); }

  /** A member `"name":value` of the enclosing object (value: JSON text). */
  member(name: string, json: string): void { this.content(`${JSON.stringify(name)}:${json}`); }

  /** An element of the enclosing array (value: JSON text). */
  element(json: string): void { this.content(json); }

  /** Closes the innermost object or array; when nothing was written inside it: `{}` / `[]` (keepEmpty) or nothing. */
  close(keepEmpty: boolean): void {
    const l = this.levels.pop()!;
    if (l.written) { this.append(l.close); return; }
    if (keepEmpty) this.content(`${l.open}${l.close}`);
  }

  /** What was written since the last take, as one string. */
  take(): string {
    const s = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
    this.parts = [];
    this.chars = 0;
    return s;
  }

  private push(open: string, close: '}' | ']'): void {
    this.levels.push({ open, close, written: false, filled: false });
  }

  /** Writes content at the innermost level: first the openings still pending around it, each after a comma where needed. */
  private content(text: string): void {
    let i = this.levels.length - 1;
    while (i >= 0 && !this.levels[i].written) i--;
    // levels[i] is the innermost written one (or none); open the pending ones from there inwards
    for (let k = i + 1; k < this.levels.length; k++) {
      const outer = k > 0 ? this.levels[k - 1] : undefined;
      if (outer?.filled) this.append(',');
      if (outer) outer.filled = true;
      this.append(this.levels[k].open);
      this.levels[k].written = true;
    }
    const inner = this.levels[this.levels.length - 1];
    if (inner?.filled) this.append(',');
    if (inner) inner.filled = true;
    this.append(text);
  }

  private append(s: string): void {
    this.parts.push(s);
    this.chars += s.length;
  }
}
