/** Helpers of the log management tests. */

/** Splits an RFC 6587 octet-counted stream into messages. */
export function octetFrames(): { push: (d: Buffer) => void; frames: string[] } {
  let buf = Buffer.alloc(0);
  const frames: string[] = [];
  return {
    frames,
    push: (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const sp = buf.indexOf(0x20);
        if (sp < 0) return;
        const len = Number(buf.subarray(0, sp).toString());
        if (buf.length < sp + 1 + len) return;
        frames.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
        buf = buf.subarray(sp + 1 + len);
      }
    },
  };
}
