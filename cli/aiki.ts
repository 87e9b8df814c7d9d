#!/usr/bin/env -S node --import tsx
/**
 * `aiki`: the command line for operators and analysts. Run it as `npx aiki …` (or
 * `node --import tsx cli/aiki.ts …`); it talks to the gateway or the main chain over GraphQL.
 */
import { Command, InvalidArgumentError } from 'commander';

interface Reply<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function call<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const reply = (await res.json()) as Reply<T>;
  if (reply.errors?.length) {
    throw new Error(reply.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('\n'));
  }
  return reply.data as T;
}

const program = new Command('aiki')
  .description('Operate and inspect an Aiki federation')
  .option('--url <url>', 'GraphQL URL of the gateway (or of the main chain)', process.env.AIKI_URL ?? 'http://127.0.0.1:4000/graphql');

const municipality = program.command('municipality').description('the registry of municipalities');

municipality
  .command('list')
  .description('list registered municipalities with their chain heads')
  .action(async () => {
    const { url } = program.opts<{ url: string }>();
    const data = await call<{ municipalities: Array<{ code: string; name: string; status: string; endpoints: string[]; chain: { height: number } | null }> }>(
      url,
      '{ municipalities { code name status endpoints chain { height } } }',
      {},
    );
    for (const m of data.municipalities) {
      console.log(`${m.code.padEnd(16)} ${m.status.padEnd(9)} height ${String(m.chain?.height ?? '?').padEnd(8)} ${m.name}  ${m.endpoints.join(' ')}`);
    }
  });

municipality
  .command('register')
  .description("register a municipality's ledger subgraph (needs AIKI_OPERATOR_TOKEN)")
  .requiredOption('--code <code>', 'municipality code, e.g. kyoto')
  .requiredOption('--name <name>', 'display name')
  .requiredOption('--endpoint <url...>', "GraphQL URL(s) of the municipality's ledger subgraph")
  .option('--retry-for <seconds>', 'keep retrying while the main chain or the ledger is not up yet', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected whole seconds');
    return n;
  }, 0)
  .action(async (opts: { code: string; name: string; endpoint: string[]; retryFor: number }) => {
    const { url } = program.opts<{ url: string }>();
    const deadline = Date.now() + opts.retryFor * 1000;
    for (;;) {
      try {
        await call(url, 'mutation($input: RegisterMunicipalityInput!) { registerMunicipality(input: $input) { code } }', {
          input: { code: opts.code, name: opts.name, endpoints: opts.endpoint },
        }, process.env.AIKI_OPERATOR_TOKEN);
        console.log(`registered ${opts.code}`);
        return;
      } catch (err) {
        const message = (err as Error).message;
        if (message.startsWith('MUNICIPALITY_EXISTS')) return console.log(`${opts.code} is already registered`);
        if (Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  });

program.parseAsync().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
