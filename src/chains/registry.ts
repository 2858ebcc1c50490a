/**
 * Finds the adapter of a platform family by its folder: src/chains/<platform>/index.ts exports
 * `createAdapter`. Adding a platform touches only its folder (and the model's Platform enumeration).
 */
import type { AdapterFactory } from './adapter';

const cache = new Map<string, AdapterFactory>();

export function adapterFactory(platform: string): AdapterFactory {
  if (!/^[a-z0-9]+$/.test(platform)) throw new Error(`bad platform name ${platform}`);
  let f = cache.get(platform);
  if (!f) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(`./${platform}`) as { createAdapter?: AdapterFactory };
    if (typeof mod.createAdapter !== 'function') throw new Error(`src/chains/${platform} exports no createAdapter`);
    f = mod.createAdapter;
    cache.set(platform, f);
  }
  return f;
}
