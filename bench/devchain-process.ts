/** Runs the dev chain in its own process for benchmarks, so the bridge's CPU is measured alone. Prints {"url": ...}. */
import { startDevChain } from '../src/devchain';

void (async () => {
  const interval = Number(process.env.BLOCK_INTERVAL_MS ?? '1000');
  const chain = await startDevChain({ blockIntervalMs: interval, workload: process.env.WORKLOAD !== '0' });
  process.stdout.write(JSON.stringify({ url: chain.url, wsUrl: chain.wsUrl }) + '\n');
  process.on('message', async (m: { mine?: number }) => {
    if (m.mine) {
      for (let i = 0; i < m.mine; i++) await chain.request('evm_mine');
      process.send?.({ mined: m.mine });
    }
  });
  process.on('SIGTERM', () => void chain.stop().then(() => process.exit(0)));
})();
