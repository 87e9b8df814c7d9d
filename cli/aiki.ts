/**
 * `aiki`: the command line for operators and analysts. It talks to the gateway or the main chain
 * over GraphQL. `npm run aiki -- …` (or the package's `aiki` bin) runs it compiled (cli/bin.js,
 * cli/build.js); `npx tsx cli/aiki.ts …` runs it from source.
 *
 * Exit codes: 0 done; 1 the command failed (a refusal, an unreachable server, a bad file, a check
 * that failed); 2 the command line is wrong (an unknown command or option, a missing or malformed
 * argument). Every command takes `--json`: one JSON document on stdout instead of lines for people.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  INCLUSION_PROOF_FIELDS,
  parseAddress,
  PROPOSAL_QUERY,
  signTransfer,
  signVote,
  TRACE_QUERY,
  verifyInclusionProof,
  verifyProposal,
  verifyTrace,
  type InclusionProofInput,
  type ProposalView,
  type TraceInput,
  type TransferBody,
  type VoteOption,
} from '../core/index.ts';
import { AuditFailed, auditChain, auditMainChain, type AuditOptions, type Call } from './audit.ts';
import { newKeyFile, readKey, readKeyFile } from './keys.ts';
import { addBackupCommands } from './backup.ts';
import { UsageError } from './usage.ts';
import { postGraphQL, type GraphQLReply } from '../runtime/graphql.ts';
import { envPemFile, subgraphSecret } from '../runtime/env.ts';

class CallError extends Error {
  constructor(readonly errors: NonNullable<GraphQLReply['errors']>) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('\n'));
  }
}

async function call<T>(url: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const reply = await postGraphQL<T>(url, query, { variables, headers: token ? { authorization: `Bearer ${token}` } : {}, secret: subgraphSecret() });
  if (reply.errors?.length) throw new CallError(reply.errors);
  return reply.data as T;
}

const DEFAULT_URL = 'http://127.0.0.1:4000/graphql';
const url = () => program.opts<{ gateway: string }>().gateway;
const json = () => program.opts<{ json?: boolean }>().json === true;
const print = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
/** What a command found: `value` as JSON with --json, else `human()` prints lines for people. */
const output = (value: unknown, human: () => void = () => print(value)) => (json() ? print(value) : human());
/** A remark for people (which key is trusted, progress): stdout, or stderr with --json so that stdout stays one JSON document. */
const note = (line: string) => (json() ? console.error(line) : console.log(line));
const positiveInt = (v: string) => {
  if (!/^[1-9][0-9]*$/.test(v)) throw new InvalidArgumentError('expected a positive integer');
  return Number(v);
};
const httpUrl = (v: string) => {
  let parsed: URL | undefined;
  try {
    parsed = new URL(v);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    throw new InvalidArgumentError(`expected an http:// or https:// URL, like ${DEFAULT_URL}`);
  return v;
};

/** This package's version, from the package.json above this file (cli/ from source, dist/cli/ compiled). */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'aiki-federation' && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

const TX_FIELDS = `id txid municipality status rejection { code message } from to amount nonce memo time signature
  block { height hash }
  proof { ${INCLUSION_PROOF_FIELDS} }`;

interface TxView extends Omit<TransferBody, 'v' | 'type'> {
  id: string;
  status: 'PENDING' | 'CONFIRMED' | 'REJECTED';
  rejection: { code: string; message: string } | null;
  block: { height: number; hash: string } | null;
  proof: InclusionProofInput | null;
}

async function showTransaction(id: string): Promise<TxView> {
  const { transaction } = await call<{ transaction: TxView | null }>(url(), `query($id: String!) { transaction(id: $id) { ${TX_FIELDS} } }`, { id });
  if (!transaction) throw new Error(`no transaction ${id}`);
  return transaction;
}

type Check = { name: string; ok: boolean; detail: string };

/** A confirmed transaction's proof checked with core/ alone (none without a proof). */
function proofChecks(tx: TxView): Check[] {
  if (!tx.proof) return [];
  const body: TransferBody = { v: 1, type: 'transfer', from: tx.from, to: tx.to, amount: tx.amount, nonce: tx.nonce, memo: tx.memo, time: tx.time };
  return verifyInclusionProof(tx.proof, body);
}

const printChecks = (checks: Check[]) => {
  for (const c of checks) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.ok ? '' : `: ${c.detail}`}`);
};

const program = new Command('aiki')
  .description('Operate and inspect an Aiki federation')
  .version(packageVersion(), '-V, --version', 'print the version')
  .addOption(
    new Option('--gateway <url>', "the GraphQL URL to talk to: the gateway's (or the main chain's)").env('AIKI_URL').default(DEFAULT_URL).argParser(httpUrl),
  )
  .option('--json', 'print one JSON document on stdout (for programs) instead of lines for people')
  .configureHelp({ showGlobalOptions: true })
  .showHelpAfterError('(add --help for usage)')
  .exitOverride(); // errors thrown, not exited on: see the end of this file for the exit codes

/** Operator commands send AIKI_OPERATOR_TOKEN as a bearer token. */
const operator = <T>(query: string, variables: Record<string, unknown> = {}) => call<T>(url(), query, variables, process.env.AIKI_OPERATOR_TOKEN);

const PROPOSAL_FIELDS =
  'id status title action { kind municipality subgraph } votingEndsAt tally { yes no abstain veto pending } failure { code message errors }';

/** Submits a proposal and prints its id and where it stands. */
async function propose(input: Record<string, unknown>): Promise<void> {
  const { propose: p } = await operator<{ propose: { id: string; status: string; votingEndsAt: string; tally: { pending: number } } }>(
    `mutation($input: ProposalInput!) { propose(input: $input) { ${PROPOSAL_FIELDS} } }`,
    { input },
  );
  output(p, () =>
    console.log(
      `proposal ${p.id} ${p.status} until ${p.votingEndsAt}: ${p.tally.pending} members to vote (aiki vote ${p.id} yes|no|abstain|veto --municipality <code> --key <file>)`,
    ),
  );
}

const TITLE = ['--title <text>', 'one line for the members voting (default: made from the action)'] as const;

const key = program.command('key').description('Ed25519 key pairs for accounts');

key
  .command('new')
  .description('make a key pair and write it to a key file (mode 0600); prints the address')
  .requiredOption('--municipality <code>', 'the municipality whose ledger holds the account')
  .requiredOption('--out <file>', 'key file to create (never overwritten)')
  .action((opts: { municipality: string; out: string }) => {
    const { address, publicKey } = newKeyFile(opts.municipality, opts.out);
    output({ address, publicKey, file: opts.out }, () => console.log(address));
  });

program
  .command('transfer')
  .description("sign a transfer with a key file and submit it to the sender's ledger")
  .requiredOption('--key <file>', 'key file of the sender')
  .requiredOption('--to <address>', 'recipient address')
  .requiredOption('--amount <integer>', 'amount in the smallest unit')
  .option('--memo <text>', 'memo, up to 256 bytes', '')
  .option('--nonce <n>', 'nonce (default: the next one)', positiveInt)
  .option('--wait', 'wait until confirmed or rejected, then verify the inclusion proof locally')
  .action(async (opts: { key: string; to: string; amount: string; memo: string; nonce?: number; wait?: boolean }) => {
    const sender = readKeyFile(opts.key);
    const { municipality } = parseAddress(sender.address);
    let nonce =
      opts.nonce ??
      (await call<{ account: { nonce: number } }>(url(), 'query($a: String!) { account(address: $a) { nonce } }', { a: sender.address })).account.nonce + 1;
    const submit = (n: number) => {
      const body: TransferBody = {
        v: 1,
        type: 'transfer',
        from: sender.address,
        to: opts.to,
        amount: opts.amount,
        nonce: n,
        memo: opts.memo,
        time: new Date().toISOString(),
      };
      return call<{ submitTransaction: { id: string; status: string } }>(
        url(),
        'mutation($m: String!, $t: SignedTransactionInput!) { submitTransaction(municipality: $m, transaction: $t) { id status } }',
        { m: municipality, t: signTransfer(body, sender.secret) },
      );
    };
    let submitted;
    try {
      submitted = await submit(nonce);
    } catch (err) {
      // Pending transactions of ours took the nonce we read: the ledger says which is next.
      const expected =
        err instanceof CallError && opts.nonce === undefined && err.errors[0]?.extensions?.code === 'NONCE_REUSED'
          ? (err.errors[0].extensions.expected as number)
          : undefined;
      if (expected === undefined) throw err;
      nonce = expected;
      submitted = await submit(nonce);
    }
    const { id, status } = submitted.submitTransaction;
    if (!opts.wait) return output({ id, status }, () => console.log(`${id} ${status}`));
    note(`${id} ${status}`);
    for (let i = 0; ; i++) {
      const tx = await showTransaction(id);
      if (tx.status === 'REJECTED') throw new Error(`${id} rejected: ${tx.rejection?.code}: ${tx.rejection?.message}`);
      if (tx.status === 'CONFIRMED') {
        const checks = proofChecks(tx);
        const verified = checks.length > 0 && checks.every((c) => c.ok);
        output({ id, status: tx.status, block: tx.block, verified, checks }, () => {
          console.log(`${id} CONFIRMED in block ${tx.block!.height} (${tx.block!.hash})`);
          printChecks(checks);
        });
        if (!verified) throw new Error('the inclusion proof does not verify');
        return;
      }
      if (i > 300) throw new Error(`${id} still pending after 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

const tx = program.command('tx').description('transactions');

tx.command('show')
  .description('show a transaction by id (<municipality>:<txid>) with its status and proof')
  .argument('<id>')
  .option('--verify', 'verify the inclusion proof locally with core/')
  .action(async (id: string, opts: { verify?: boolean }) => {
    const view = await showTransaction(id);
    if (!opts.verify) return print(view);
    const checks = proofChecks(view);
    const verified = checks.length > 0 && checks.every((c) => c.ok);
    output({ transaction: view, verified, checks }, () => {
      print(view);
      printChecks(checks);
    });
    if (!verified) throw new Error(view.proof ? 'the inclusion proof does not verify' : `${id} is ${view.status}: no proof yet`);
  });

program
  .command('account')
  .description("show an account's balance, nonce and recent transactions")
  .argument('<address>')
  .action(async (address: string) => {
    print(
      (
        await call<{ account: unknown }>(
          url(),
          'query($a: String!) { account(address: $a) { id balance nonce transactions(first: 10) { edges { node { id from to amount status } } } } }',
          { a: address },
        )
      ).account,
    );
  });

const depthOption = (v: string) => {
  if (!/^[0-5]$/.test(v)) throw new InvalidArgumentError('expected 0–5');
  return Number(v);
};

/** The trace of `id` through the gateway, with the main chain's key it was served with. */
async function fetchTrace(id: string, depth: number): Promise<{ mainChain: { sequencer: string }; trace: TraceInput | null }> {
  return call(url(), TRACE_QUERY, { id, depth });
}

program
  .command('trace')
  .description('the hops of a transfer across municipalities (<source>:<txid>), with every proof, as JSON')
  .argument('<id>')
  .option('--depth <n>', 'onward hops from each recipient (0–5)', depthOption, 3)
  .action(async (id: string, opts: { depth: number }) => {
    const data = await fetchTrace(id, opts.depth);
    if (!data.trace) throw new Error(`the main chain knows no transfer between municipalities with id ${id}`);
    print(data);
  });

program
  .command('verify')
  .description('fetch the trace of a transfer through the gateway (or read it from --trace) and verify every proof locally with core/')
  .argument('[id]')
  .option('--depth <n>', 'onward hops from each recipient (0–5)', depthOption, 3)
  .option('--trace <file>', 'verify a trace saved by `aiki trace` instead, offline')
  .option('--mainchain-key <hex>', "the main chain's public key to trust (default: the one the server names, printed)")
  .action(async (id: string | undefined, opts: { depth: number; trace?: string; mainchainKey?: string }) => {
    if (!id && !opts.trace) throw new UsageError('give a transaction id (<municipality>:<txid>), or --trace <file>');
    const data = opts.trace ? (JSON.parse(readFileSync(opts.trace, 'utf8')) as Awaited<ReturnType<typeof fetchTrace>>) : await fetchTrace(id ?? '', opts.depth);
    if (!data.trace) throw new Error(`the main chain knows no transfer between municipalities with id ${id}`);
    const key = opts.mainchainKey ?? data.mainChain.sequencer;
    if (!opts.mainchainKey) note(`trusting main-chain key ${key} (pin it with --mainchain-key)`);
    const checks = verifyTrace(data.trace, key);
    const failed = checks.filter((c) => !c.ok).length;
    output({ transactionId: data.trace.transactionId, hops: data.trace.hops.length, mainchainKey: key, verified: failed === 0, checks }, () => {
      printChecks(checks);
      if (failed === 0) console.log(`verified: ${data.trace!.hops.length} hop(s), ${checks.length} checks`);
    });
    if (failed > 0) throw new Error(`${failed} of ${checks.length} checks failed`);
  });

const nonNegativeInt = (v: string) => {
  if (!/^(0|[1-9][0-9]*)$/.test(v)) throw new InvalidArgumentError('expected a whole number >= 0');
  return Number(v);
};

program
  .command('audit')
  .description(
    "walk a municipality's whole chain (or the main chain's) through the API and check every block against its parent and its anchor on the main chain, locally with core/",
  )
  .argument('[municipality]')
  .option('--mainchain', "audit the main chain's own blocks instead")
  .option('--from <height>', 'first block to check (its parent is checked for the link only); default 0, or the block after a kept checkpoint', nonNegativeInt)
  .option('--to <height>', 'last block to check (default: the newest anchored; the main chain: its head)', nonNegativeInt)
  .option(
    '--checkpoint <file>',
    'a checkpoint kept from an earlier run: the chain must extend it, and the next run goes on from it; the checkpoint at --to is written back to it',
  )
  .option('--page <n>', 'blocks per request (1–100)', positiveInt, 20)
  .option('--mainchain-key <hex>', "the main chain's public key to trust (default: the one the server names, printed)")
  .action(async (code: string | undefined, opts: AuditOptions & { mainchain?: boolean }) => {
    const gql: Call = (query, variables) => call(url(), query, variables);
    if (opts.mainchain === (code !== undefined)) throw new UsageError('name a municipality, or give --mainchain');
    // --json: the audit's lines for people go to stderr (cli/audit.ts prints them), its summary to stdout.
    const log = console.log;
    if (json()) console.log = console.error;
    try {
      const summary = await (opts.mainchain ? auditMainChain(gql, opts) : auditChain(gql, code!, opts));
      if (json()) print(summary);
    } catch (err) {
      if (json() && err instanceof AuditFailed) print(err.summary);
      throw err;
    } finally {
      console.log = log;
    }
  });

const municipality = program.command('municipality').description('the registry of municipalities');

municipality
  .command('list')
  .description('list registered municipalities with their chain heads')
  .action(async () => {
    const data = await call<{ municipalities: Array<{ code: string; name: string; status: string; endpoints: string[]; chain: { height: number } | null }> }>(
      url(),
      '{ municipalities { code name status endpoints chain { height } } }',
      {},
    );
    output(data.municipalities, () => {
      for (const m of data.municipalities) {
        console.log(`${m.code.padEnd(16)} ${m.status.padEnd(9)} height ${String(m.chain?.height ?? '?').padEnd(8)} ${m.name}  ${m.endpoints.join(' ')}`);
      }
    });
  });

municipality
  .command('propose')
  .description("propose registering a municipality's ledger subgraph; members vote, and it joins when the proposal passes (needs AIKI_OPERATOR_TOKEN)")
  .requiredOption('--code <code>', 'municipality code, e.g. kobe')
  .requiredOption('--name <name>', 'display name')
  .requiredOption('--endpoint <url...>', "GraphQL URL(s) of the municipality's ledger subgraph")
  .option('--sequencer-key <hex>', 'the key its ledger signs blocks with (checked against its genesis block)')
  .option('--governance-key <hex>', 'the key its votes will be signed with (default: the sequencer key)')
  .option(...TITLE)
  .option('--description <text>', 'why', '')
  .action(
    async (opts: { code: string; name: string; endpoint: string[]; sequencerKey?: string; governanceKey?: string; title?: string; description: string }) => {
      const registerMunicipality = {
        code: opts.code,
        name: opts.name,
        endpoints: opts.endpoint,
        sequencerKey: opts.sequencerKey,
        governanceKey: opts.governanceKey,
      };
      await propose({ title: opts.title || `Register ${opts.name} (${opts.code})`, description: opts.description, registerMunicipality });
    },
  );

municipality
  .command('suspend')
  .description('propose suspending a municipality: no new transfers, transfers in flight refunded (needs AIKI_OPERATOR_TOKEN)')
  .argument('<code>')
  .requiredOption('--reason <text>', 'why, for the members and the record')
  .option(...TITLE)
  .action(async (code: string, opts: { reason: string; title?: string }) => {
    await propose({ title: opts.title || `Suspend ${code}`, suspendMunicipality: { code, reason: opts.reason } });
  });

municipality
  .command('resume')
  .description('propose resuming a suspended municipality (needs AIKI_OPERATOR_TOKEN)')
  .argument('<code>')
  .option(...TITLE)
  .action(async (code: string, opts: { title?: string }) => {
    await propose({ title: opts.title || `Resume ${code}`, resumeMunicipality: { code } });
  });

municipality
  .command('register')
  .description('register a founding municipality directly, before the first proposal (needs AIKI_OPERATOR_TOKEN); afterwards: municipality propose')
  .requiredOption('--code <code>', 'municipality code, e.g. kyoto')
  .requiredOption('--name <name>', 'display name')
  .requiredOption('--endpoint <url...>', "GraphQL URL(s) of the municipality's ledger subgraph")
  .option(
    '--retry-for <seconds>',
    'keep retrying while the main chain or the ledger is not up yet',
    (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected whole seconds');
      return n;
    },
    0,
  )
  .action(async (opts: { code: string; name: string; endpoint: string[]; retryFor: number }) => {
    const deadline = Date.now() + opts.retryFor * 1000;
    for (;;) {
      try {
        await operator('mutation($input: RegisterMunicipalityInput!) { registerMunicipality(input: $input) { code } }', {
          input: { code: opts.code, name: opts.name, endpoints: opts.endpoint },
        });
        return output({ code: opts.code, registered: true }, () => console.log(`registered ${opts.code}`));
      } catch (err) {
        const message = (err as Error).message;
        if (message.startsWith('MUNICIPALITY_EXISTS'))
          return output({ code: opts.code, registered: false, reason: 'MUNICIPALITY_EXISTS' }, () => console.log(`${opts.code} is already registered`));
        if (Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  });

const VOTE_OPTIONS = new Map<string, VoteOption>([
  ['yes', 'YES'],
  ['no', 'NO'],
  ['abstain', 'ABSTAIN'],
  ['veto', 'VETO'],
]);

program
  .command('vote')
  .description("sign a member municipality's vote on a proposal with its governance key and submit it (votes are final)")
  .argument('<proposal>', 'proposal id')
  .argument('<option>', 'yes, no, abstain or veto', (choice: string) => {
    const option = VOTE_OPTIONS.get(choice.toLowerCase());
    if (!option) throw new InvalidArgumentError('expected yes, no, abstain or veto');
    return option;
  })
  .requiredOption('--municipality <code>', 'the member voting')
  .requiredOption(
    '--key <file>',
    "the member's governance key: a key file of `aiki key new`, or a bare secret key such as npm start's .data/keys/<code>-sequencer.key",
  )
  .action(async (id: string, option: VoteOption, opts: { municipality: string; key: string }) => {
    const key = readKey(opts.key);
    const { proposal } = await call<{ proposal: { eventId: string } | null }>(url(), 'query($id: String!) { proposal(id: $id) { eventId } }', { id });
    if (!proposal) throw new Error(`no proposal ${id}`);
    const signed = signVote(
      { v: 1, type: 'vote', proposal: id, proposalHash: proposal.eventId, municipality: opts.municipality, option, time: new Date().toISOString() },
      key.secret,
    );
    await call(url(), 'mutation($input: VoteInput!) { vote(input: $input) { eventId } }', {
      input: { body: JSON.stringify(signed.body), signature: signed.signature },
    });
    const after = await call<{ proposal: { status: string; tally: Record<string, number> } }>(
      url(),
      'query($id: String!) { proposal(id: $id) { status tally { yes no abstain veto pending } } }',
      { id },
    );
    output({ proposal: id, municipality: opts.municipality, option, status: after.proposal.status, tally: after.proposal.tally }, () =>
      console.log(`${opts.municipality} voted ${option} on proposal ${id}: now ${after.proposal.status}, ${JSON.stringify(after.proposal.tally)}`),
    );
  });

const proposal = program.command('proposal').description('governance proposals');

proposal
  .command('list')
  .description('list proposals, newest first')
  .option('--status <status>', 'only VOTING, PASSED, REJECTED, FAILED or EXPIRED')
  .action(async (opts: { status?: string }) => {
    type Row = { id: string; status: string; title?: string; action: { kind: string }; tally: Record<string, number> };
    const data = await call<{ proposals: Row[] }>(url(), `query($s: ProposalStatus) { proposals(status: $s) { ${PROPOSAL_FIELDS} } }`, {
      s: opts.status?.toUpperCase(),
    });
    output(data.proposals, () => {
      for (const p of data.proposals) {
        const t = p.tally;
        console.log(
          `${p.id.padStart(4)} ${p.status.padEnd(8)} ${p.action.kind.padEnd(22)} yes ${t.yes} no ${t.no} abstain ${t.abstain} veto ${t.veto} pending ${t.pending}  ${p.title}`,
        );
      }
    });
  });

proposal
  .command('show')
  .description('show a proposal with its votes')
  .argument('<id>')
  .action(async (id: string) => {
    const { proposal: p } = await call<{ proposal: unknown }>(
      url(),
      `query($id: String!) { proposal(id: $id) { ${PROPOSAL_FIELDS} description proposer submittedAt decidedAt rules { quorum threshold veto } electorate { code } action { json } votes { municipality option time } } }`,
      { id },
    );
    if (!p) throw new Error(`no proposal ${id}`);
    print(p);
  });

proposal
  .command('verify')
  .description("recompute a proposal's tally from the main chain's sealed blocks and check every signature, locally with core/")
  .argument('<id>')
  .option('--mainchain-key <hex>', "the main chain's public key to trust (default: the one the server names, printed)")
  .action(async (id: string, opts: { mainchainKey?: string }) => {
    const data = await call<{ mainChain: { sequencer: string }; proposal: ProposalView | null }>(url(), PROPOSAL_QUERY, { id });
    if (!data.proposal) throw new Error(`no proposal ${id}`);
    const key = opts.mainchainKey ?? data.mainChain.sequencer;
    if (!opts.mainchainKey) note(`trusting main-chain key ${key} (pin it with --mainchain-key)`);
    const checks = verifyProposal(data.proposal, key);
    const failed = checks.filter((c) => !c.ok).length;
    output({ proposal: id, status: data.proposal.status, votes: data.proposal.votes.length, mainchainKey: key, verified: failed === 0, checks }, () => {
      printChecks(checks);
      if (failed === 0) console.log(`verified: proposal ${id} ${data.proposal!.status}, ${data.proposal!.votes.length} vote(s), ${checks.length} checks`);
    });
    if (failed > 0) throw new Error(`${failed} of ${checks.length} checks failed`);
  });

const subgraph = program.command('subgraph').description('extension subgraphs composed into the supergraph');

subgraph
  .command('register')
  .description('propose composing an extension subgraph into the supergraph (needs AIKI_OPERATOR_TOKEN)')
  .requiredOption('--name <name>', 'subgraph name, e.g. events')
  .requiredOption('--url <url>', 'its GraphQL URL; its SDL is read when the proposal is carried out')
  .option(...TITLE)
  .action(async (opts: { name: string; url: string; title?: string }) => {
    await propose({ title: opts.title || `Compose the ${opts.name} subgraph`, registerSubgraph: { name: opts.name, url: opts.url } });
  });

subgraph
  .command('remove')
  .description('propose removing an extension subgraph from the supergraph (needs AIKI_OPERATOR_TOKEN)')
  .argument('<name>')
  .option(...TITLE)
  .action(async (name: string, opts: { title?: string }) => {
    await propose({ title: opts.title || `Remove the ${name} subgraph`, removeSubgraph: { name } });
  });

subgraph
  .command('list')
  .description('list the extension subgraphs in the supergraph')
  .action(async () => {
    const data = await call<{ subgraphs: Array<{ name: string; url: string; registeredAt: string; proposal: string }> }>(
      url(),
      '{ subgraphs { name url registeredAt proposal } }',
      {},
    );
    output(data.subgraphs, () => {
      for (const s of data.subgraphs) console.log(`${s.name.padEnd(16)} ${s.url}  registered ${s.registeredAt} by proposal ${s.proposal}`);
    });
  });

const parameters = program.command('parameters').description('governance parameters');

parameters
  .command('show', { isDefault: true })
  .description('show the parameters in force')
  .action(async () =>
    print(
      (await call<{ parameters: unknown }>(url(), '{ parameters { votingPeriodMs quorum threshold veto mainBlockIntervalMs settlementTimeoutMs } }', {}))
        .parameters,
    ),
  );

parameters
  .command('propose')
  .description('propose changing parameters, e.g. votingPeriodMs=86400000 quorum=0.4 (needs AIKI_OPERATOR_TOKEN)')
  .argument('<name=value...>')
  .option(...TITLE)
  .action(async (pairs: string[], opts: { title?: string }) => {
    const changeParameters = pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new UsageError(`expected name=value, got ${pair}`);
      return { name: pair.slice(0, at), value: pair.slice(at + 1) };
    });
    await propose({ title: opts.title || `Set ${pairs.join(', ')}`, changeParameters });
  });

const operatorCmd = program.command('operator').description('operator credentials');

operatorCmd
  .command('add')
  .description('mint an operator token (needs AIKI_OPERATOR_TOKEN); it is printed once, only its digest is stored')
  .argument('<name>')
  .action(async (name: string) => {
    const { createOperatorToken: t } = await operator<{ createOperatorToken: { id: string; token: string } }>(
      'mutation($n: String!) { createOperatorToken(name: $n) { id token } }',
      { n: name },
    );
    output({ name, id: t.id, token: t.token }, () => console.log(`operator ${name}: id ${t.id}\n${t.token}`));
  });

operatorCmd
  .command('revoke')
  .description('revoke an operator token by id (needs AIKI_OPERATOR_TOKEN)')
  .argument('<id>')
  .action(async (id: string) => {
    const { revokeOperatorToken } = await operator<{ revokeOperatorToken: boolean }>('mutation($id: String!) { revokeOperatorToken(id: $id) }', { id });
    if (!revokeOperatorToken) throw new Error(`no operator token ${id}`);
    output({ id, revoked: true }, () => console.log(`revoked ${id}`));
  });

addBackupCommands(program, url);
// AIKI_TLS_CA: HTTPS calls trust the federation's CA alone (runtime/tls.ts). Loaded only then: undici's
// dispatcher is most of what the CLI would load at every start otherwise.
program.hook('preAction', async () => {
  if (process.env.AIKI_TLS_CA) (await import('../runtime/tls.ts')).installTlsTrust(envPemFile('AIKI_TLS_CA'));
});

/**
 * `--url` was the name of `--gateway` until `subgraph register` needed its own `--url`: still
 * accepted before the command's name (as in scripts written for it), where it cannot be the
 * command's own option.
 */
function legacyUrl(args: string[]): string[] {
  const out = [...args];
  for (let i = 0; i < out.length; i++) {
    const arg = out[i]!;
    if (arg === '--url') out[i] = '--gateway';
    else if (arg.startsWith('--url=')) out[i] = `--gateway=${arg.slice('--url='.length)}`;
    if (out[i] === '--gateway')
      i++; // its value
    else if (!out[i]!.startsWith('-')) break; // the command's name: what follows is the command's
  }
  return out;
}

program.parseAsync(legacyUrl(process.argv.slice(2)), { from: 'user' }).catch((err: Error) => {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2); // help or version; else commander has printed the usage error
  if (err instanceof UsageError) {
    console.error(`error: ${err.message}`);
    process.exit(2);
  }
  console.error(err.message);
  process.exit(1);
});
