/**
 * Tests that drive a Debian tool (snmpwalk, smilint, yanglint, litecoind, ncclient...) skip with a printed
 * reason when the tool is absent, and fail when CI=true: CI must prove them.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function haveCommand(cmd: string): boolean {
  if (cmd.includes('/')) return fs.existsSync(cmd);
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Skips the calling test or suite, printing why, or fails under CI=true (CI must prove every test). */
function skipOrFail(ctx: Mocha.Context, reason: string): void {
  if (process.env.CI === 'true') throw new Error(`${reason}: required under CI`);
  console.log(`      skipped: ${reason}`);
  ctx.skip();
}

/** Call at the start of a test or in before(): skips (or fails under CI) when a tool is missing. */
export function requireTool(ctx: Mocha.Context, cmd: string, debianPackage: string): void {
  if (!haveCommand(cmd)) skipOrFail(ctx, `${cmd} not found (Debian package ${debianPackage})`);
}

/** The program of a test fixture (never a product dependency): test/fixtures/NAME/node_modules/.bin/NAME. */
export function fixtureProgram(name: string): string {
  return path.join(projectRoot, 'test', 'fixtures', name, 'node_modules', '.bin', name);
}

/** Call in before(): skips (or fails under CI) unless the fixture is installed (npm ci --prefix test/fixtures/NAME). */
export function requireFixture(ctx: Mocha.Context, name: string): void {
  const program = fixtureProgram(name);
  if (!fs.existsSync(program)) skipOrFail(ctx, `${program} not found (install the test fixture: npm ci --prefix test/fixtures/${name})`);
}

/** Skips (or fails under CI) unless /usr/bin/python3 imports the module (Debian's python3 packages only import there). */
function requirePythonModule(ctx: Mocha.Context, module: string, label: string, debianPackage: string): void {
  const ok = fs.existsSync('/usr/bin/python3') &&
    spawnSync('/usr/bin/python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
  if (!ok) skipOrFail(ctx, `python3 ${label} not importable by /usr/bin/python3 (Debian package ${debianPackage})`);
}

export function requireNcclient(ctx: Mocha.Context): void { requirePythonModule(ctx, 'ncclient', 'ncclient', 'python3-ncclient'); }

export function requirePysnmp(ctx: Mocha.Context): void { requirePythonModule(ctx, 'pysnmp.hlapi', 'pysnmp', 'python3-pysnmp4'); }

/** Project root (the folder holding package.json), from dist/test/support. */
export const projectRoot = path.resolve(__dirname, '..', '..', '..');

/** Standard MIB files the tools need: net-snmp's npm package ships SNMPv2-SMI/TC/CONF; Debian ships none. */
export const standardMibDir = path.join(projectRoot, 'node_modules', 'net-snmp', 'lib', 'mibs');
export const ourMibDir = path.join(projectRoot, 'mibs');
