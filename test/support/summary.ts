/**
 * Root hooks (loaded by .mocharc.json): after the whole run, one plain line "N passed, N failed, N skipped"
 * that any CI reader understands, beside mocha's own summary.
 */
let passed = 0;
let failed = 0;
let skipped = 0;

export const mochaHooks = {
  afterEach(this: Mocha.Context): void {
    const t = this.currentTest;
    if (!t) return;
    if (t.state === 'passed') passed++;
    else if (t.state === 'failed') failed++;
    else if (t.isPending()) skipped++;
  },
  afterAll(): void {
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  },
};
