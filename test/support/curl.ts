/** curl as an HTTP client of the tests (run without blocking: the bridge under test answers from this process). */
import { execFile } from 'node:child_process';

/** Runs curl -sS -D - with the arguments: the status, the header block and the body. */
export function curl(args: readonly string[]): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '-D', '-', ...args], { encoding: 'utf8', timeout: 30_000 }, (err, stdout) => {
      if (err) { reject(err); return; }
      const split = stdout.indexOf('\r\n\r\n');
      const headers = stdout.slice(0, split);
      resolve({ status: Number(/^HTTP\/[\d.]+ (\d+)/.exec(headers)?.[1]), headers, body: stdout.slice(split + 4) });
    });
  });
}
