/**
 * The peers of bench/gateway.bench.ts, each its own process like our gateway, on the same
 * subgraphs: stock @apollo/gateway (stock-gateway.ts), Hive Gateway through its own CLI
 * (`hive-gateway supergraph`, hive-gateway.config.ts), and the bench-only shard proxy
 * (shard-proxy.ts) that stands in front of the ledgers when a stock gateway must reach more than
 * one municipality. Their supergraph is composed by schema/compose.ts, as ours is, from the SDL the
 * main chain serves; only the `ledger` subgraph's URL differs: one real URL, as a stock gateway
 * needs, where ours has the shard router.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort, stopChild } from '../../db/launcher.ts';
import { postGraphQL } from '../../runtime/graphql.ts';
import { subgraphSecret } from '../../runtime/env.ts';
import { composeFederation, LEDGER_ROUTER_URL } from '../../schema/compose.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');

export interface Peer {
  name: string;
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The supergraph a stock gateway is given: the main chain's SDL (read from it, as our gateway
 * does) composed with the ledger contract by `composeFederation`, the `ledger` subgraph at `ledgerUrl`.
 */
export async function peerSupergraph(mainchainUrl: string, ledgerUrl: string): Promise<string> {
  const reply = await postGraphQL<{ _service: { sdl: string } }>(mainchainUrl, '{ _service { sdl } }', { secret: subgraphSecret() });
  const sdl = reply.data?._service.sdl;
  if (!sdl) throw new Error(`the main chain did not give its SDL: ${JSON.stringify(reply.errors)}`);
  const composed = composeFederation({ url: mainchainUrl, sdl });
  if (!composed.ok) throw new Error(`composition failed: ${composed.errors.join('; ')}`);
  const parts = composed.supergraphSdl.split(LEDGER_ROUTER_URL);
  if (parts.length !== 2) throw new Error(`expected the ledger router URL once in the supergraph, found it ${parts.length - 1} times`);
  return parts.join(ledgerUrl);
}

/**
 * Spawns `args` under this Node (with tsx); its URL is `fixedUrl` or the one its ready line gives.
 * A gateway is ready once `{ __typename }` answers with data there.
 */
async function spawnPeer(
  name: string,
  args: string[],
  env: Record<string, string>,
  { url, fixedUrl, probe = true }: { url?: (line: string) => string | undefined; fixedUrl?: string; probe?: boolean },
): Promise<Peer> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const recent: string[] = [];
  const keep = (line: string) => {
    recent.push(line);
    if (recent.length > 30) recent.shift();
  };
  createInterface({ input: child.stderr! }).on('line', keep);
  const announced = new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s:\n${recent.join('\n')}`)), 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${signal ?? code}):\n${recent.join('\n')}`));
    });
    if (fixedUrl) {
      clearTimeout(timer);
      return resolveUrl(fixedUrl);
    }
    createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      const found = url?.(line);
      if (found) {
        clearTimeout(timer);
        resolveUrl(found);
      }
    });
  });
  if (fixedUrl) createInterface({ input: child.stdout! }).on('line', keep);
  const stop = () => stopChild(child);
  try {
    const at = await announced;
    const deadline = Date.now() + 180_000; // a busy machine (BENCH_NOISE=1, other work) starts them slowly
    while (probe) {
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${recent.join('\n')}`);
      try {
        const res = await fetch(at, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
        if (res.ok && ((await res.json()) as { data?: unknown }).data) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`${name} did not answer { __typename } within 180 s:\n${recent.join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { name, url: at, child, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

const readyUrl = (line: string) => {
  try {
    const msg = JSON.parse(line) as { event?: string; url?: string };
    return msg.event === 'ready' ? msg.url : undefined;
  } catch {
    return undefined;
  }
};

/** Stock @apollo/gateway + @apollo/server standalone, serving the supergraph in `supergraphFile`. */
export function startStockGateway(supergraphFile: string): Promise<Peer> {
  return spawnPeer('stock @apollo/gateway', [join(HERE, 'stock-gateway.ts'), supergraphFile], { AIKI_PORT: '0' }, { url: readyUrl });
}

/** Hive Gateway through its CLI: `hive-gateway supergraph <file>` on loopback, default settings (one process: --fork defaults to 1). */
export async function startHiveGateway(supergraphFile: string): Promise<Peer> {
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve('@graphql-hive/gateway/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { bin: string | Record<string, string> };
  const bin = join(dirname(pkgFile), typeof pkg.bin === 'string' ? pkg.bin : pkg.bin['hive-gateway']!);
  const port = await freePort();
  const args = [bin, 'supergraph', supergraphFile, '--host', '127.0.0.1', '--port', String(port), '--config-path', join(HERE, 'hive-gateway.config.ts')];
  return spawnPeer('Hive Gateway', args, {}, { fixedUrl: `http://127.0.0.1:${port}/graphql` });
}

/** The bench-only shard proxy in front of `ledgers` (code → URL). */
export function startShardProxy(ledgers: Record<string, string>): Promise<Peer> {
  return spawnPeer(
    'shard proxy',
    [join(HERE, 'shard-proxy.ts')],
    { AIKI_PORT: '0', AIKI_BENCH_SHARDS: JSON.stringify(ledgers) },
    { url: readyUrl, probe: false },
  );
}
