/** The benchmarks' command-line options: the word after --name, or def when the option is not given. */
export function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
}
