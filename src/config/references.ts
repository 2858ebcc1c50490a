/**
 * Checks between configuration entries that the model's types alone cannot express (required attributes are
 * checked by validateObject, from the model). Errors name the path.
 */
import { ConfigError } from './document';
import type { ConfigObject } from './document';

function list(o: ConfigObject | undefined, f: string): ConfigObject[] {
  const v = o?.[f];
  return Array.isArray(v) ? (v as ConfigObject[]) : [];
}

export function checkReferences(doc: ConfigObject): void {
  const networks = list(doc, 'networks');
  const names = new Set(networks.map((n) => String(n.name)));
  networks.forEach((n, i) => {
    list(n, 'nodes').forEach((d, j) => {
      if (!/^https?:/.test(String(d.endpoint))) throw new ConfigError(`networks[${i}].nodes[${j}].endpoint`, 'must be an http:// or https:// URL (use wsEndpoint for WebSocket)');
    });
    if (n.platform !== 'ethereum' && list(n, 'contracts').length) {
      throw new ConfigError(`networks[${i}].contracts`, `contracts are managed on ethereum networks only, not ${String(n.platform)}`);
    }
    list(n, 'crossChainChannels').forEach((c, j) => {
      const where = `networks[${i}].crossChainChannels[${j}]`;
      if (!names.has(String(c.counterparty))) throw new ConfigError(`${where}.counterparty`, `${JSON.stringify(c.counterparty)} is not a configured network`);
    });
  });
  const perf = doc.performance as ConfigObject | undefined;
  const jobs = new Set(list(perf, 'measurementJobs').map((j) => String(j.name)));
  list(perf, 'thresholds').forEach((t, i) => {
    const where = `performance.thresholds[${i}]`;
    if (!jobs.has(String(t.job))) throw new ConfigError(`${where}.job`, `${JSON.stringify(t.job)} is not a configured measurement job`);
    const dir = t.direction ?? 'rising';
    const raise = Number(t.raiseLevel);
    const clear = Number(t.clearLevel);
    if (dir === 'rising' ? clear > raise : clear < raise) {
      throw new ConfigError(`${where}.clearLevel`, `must be ${dir === 'rising' ? 'at or below' : 'at or above'} raiseLevel for a ${String(dir)} threshold`);
    }
  });
  const cfg = doc.configuration as ConfigObject | undefined;
  const users = new Set(list(cfg, 'snmpUsers').map((u) => String(u.name)));
  list(cfg, 'notificationTargets').forEach((t, i) => {
    const where = `configuration.notificationTargets[${i}]`;
    if ((t.version ?? 'v2c') === 'v3' && !users.has(String(t.user))) throw new ConfigError(`${where}.user`, `${JSON.stringify(t.user)} is not a configured snmpUser`);
  });
  list(cfg, 'snmpUsers').forEach((u, i) => {
    const where = `configuration.snmpUsers[${i}]`;
    if ((u.authProtocol ?? 'sha') !== 'none' && (typeof u.authKey !== 'string' || u.authKey.length < 8)) throw new ConfigError(`${where}.authKey`, 'must be at least 8 characters');
    if ((u.privProtocol ?? 'aes') !== 'none' && (typeof u.privKey !== 'string' || u.privKey.length < 8)) throw new ConfigError(`${where}.privKey`, 'must be at least 8 characters');
    if ((u.authProtocol ?? 'sha') === 'none' && (u.privProtocol ?? 'aes') !== 'none') throw new ConfigError(`${where}.privProtocol`, 'privacy needs authentication');
  });
}
