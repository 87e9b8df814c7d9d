/**
 * What registering one more municipality costs, with 10, 100 and 1,000 registered
 * (`BENCH_SIZES=10,100` to choose), side by side:
 *
 *  - ours: the time from a REGISTER_MUNICIPALITY proposal passing on the main chain to the new
 *    municipality answering through the gateway (`{ municipality(code:) { chain { height } } }`
 *    with data and no errors). A real cluster (cluster/cluster.ts: the main chain, the gateway and
 *    three founding ledgers kyoto, osaka, nara as processes, on one database from db/launcher.ts),
 *    and the new municipality is a real ledger process. Measured from the moment the deciding
 *    vote returns (the main chain then carries the proposal out: it checks the new ledger and its
 *    genesis, anchors it and lists it), and from the proposal's `decidedAt` (written once it is
 *    carried out), to the first answer; the gateway is asked again 5 ms after each reply. `BENCH_REPEATS` (5)
 *    municipalities are registered one after the other at each size: median and max.
 *  - the peer: recomposing a supergraph of one namespaced subgraph per municipality with
 *    @apollo/composition and building its query planner — what a gateway that composes one
 *    subgraph per town pays for each town added (bench/support/compose-peer.ts, in a child
 *    process with a large heap, cut off after BENCH_COMPOSE_TIMEOUT_S, 600 s).
 *
 * The municipalities beyond the three founders are bench-only fillers (bench/support/fillers.ts):
 * one HTTP server in this process serving the ledger contract for all of them by path. 1,000 ledger
 * processes do not fit on the 2-core machine, and the fillers only populate the registry and the
 * gateway's shard map — they pass the same contract check and genesis check as a ledger, and are
 * idle while a measurement runs. Everything on the measured path is real: the vote, the main
 * chain carrying out the proposal, the registry's revision, the gateway's registry watch and its
 * contract check of the new ledger, the shard router, the new ledger.
 *
 * Every municipality active when a proposal is submitted votes on it, fillers included; this
 * process holds every member's governance key (the founders' and new ledgers' development
 * sequencer keys, runtime/env.ts; the fillers' keys) and signs YES votes from as many members as
 * it takes for the outcome to be certain (core/governance.ts `decide`: more than two thirds of the
 * electorate under the default rules), the last one alone.
 */
import './support/noise.ts'; // BENCH_NOISE=1: one core kept busy for the whole run
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster, type Cluster } from '../cluster/cluster.ts';
import { startDatabase } from '../db/launcher.ts';
import { bytesToHex, canonicalJson, countVotes, decide, hexToBytes, parseFraction, publicKeyOf, signVote, type VoteOption } from '../core/index.ts';
import { postGraphQL } from '../runtime/graphql.ts';
import { subgraphSecret } from '../runtime/env.ts';
import { fillerCodes, fillerSecretKey, registerFillers, startFillers, type FillerServer } from './support/fillers.ts';
import { memoryOf } from './support/memory.ts';
import { pool } from '../runtime/pool.ts';
import type { PeerResult } from './support/compose-peer.ts';

const here = dirname(fileURLToPath(import.meta.url));
const sizes = (process.env.BENCH_SIZES ?? '10,100,1000').split(',').map((s) => Number(s.trim()));
const repeats = Number(process.env.BENCH_REPEATS ?? 5);
const composeTimeoutS = Number(process.env.BENCH_COMPOSE_TIMEOUT_S ?? 600);
const composeHeapMB = Number(process.env.BENCH_COMPOSE_HEAP_MB ?? 16_384);
/** `BENCH_PEER=0` measures ours only. */
const withPeer = process.env.BENCH_PEER !== '0';
/**
 * The gateway's complete registry read, its fallback beside the long poll (AIKI_REGISTRY_POLL_MS):
 * by default its own default, 10 s; `BENCH_POLL_MS=1000` is what clusters in tests run with.
 */
const pollIntervalMs = Number(process.env.BENCH_POLL_MS ?? 10_000);
const TOKEN = 'bench-token';
const FOUNDERS = [
  { code: 'kyoto', name: 'Kyoto' },
  { code: 'osaka', name: 'Osaka' },
  { code: 'nara', name: 'Nara' },
];
if (sizes.some((n) => !Number.isInteger(n) || n < FOUNDERS.length)) throw new Error(`BENCH_SIZES: whole numbers of at least ${FOUNDERS.length}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** How the gateway learns of registry changes in this tree: by long poll once gateway/registry/ asks for `registryRevision`. */
function registryWatch(): string {
  const dir = join(here, '..', 'gateway', 'registry');
  const source = readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
  const every = `a complete read every ${pollIntervalMs} ms (AIKI_REGISTRY_POLL_MS)`;
  if (!source.includes('registryRevision')) return every;
  return `long poll of registryRevision${source.includes('registryChanges') ? ', reading only what changed (registryChanges)' : ''}, and ${every}`;
}

async function call<T>(url: string, query: string, variables?: Record<string, unknown>, operator = false): Promise<T> {
  const reply = await postGraphQL<T>(url, query, {
    variables,
    headers: operator ? { authorization: `Bearer ${TOKEN}` } : {},
    timeoutMs: 60_000,
    secret: subgraphSecret(),
  });
  if (reply.errors || !reply.data) throw new Error(`${query.slice(0, 60)}…: ${JSON.stringify(reply.errors ?? 'no data')}`);
  return reply.data;
}

interface Sample {
  /** From the deciding vote's reply to the first answer through the gateway. */
  fromVoteMs: number;
  /** From the proposal's decidedAt to that answer. */
  fromDecidedMs: number;
  /** From decidedAt to the gateway's log line "municipality joined the shard map" (its clock; same host). */
  decidedToJoinedMs: number;
  votes: number;
  electorate: number;
}

interface Ours {
  n: number;
  registerFillersS: number;
  admitAllS: number;
  samples: Sample[];
  /** `municipalities { code status endpoints }` straight from the main chain, median of 5: what the gateway reads on each registry change. */
  registryReadMs: number;
  gatewayRssMB: number;
}

const PROPOSE = `mutation Propose($input: ProposalInput!) { propose(input: $input) {
  id eventId electorate { code governanceKey } rules { quorum threshold veto } } }`;
const VOTE = 'mutation Vote($input: VoteInput!) { vote(input: $input) { eventId } }';

async function measureOurs(n: number, fillers: FillerServer, db: Awaited<ReturnType<typeof startDatabase>>): Promise<Ours> {
  const joined = new Map<string, number>();
  const onLog = (service: string, line: string) => {
    if (service !== 'gateway' || !line.includes('joined the shard map')) return;
    const { time, municipality } = JSON.parse(line) as { time: string; municipality: string };
    joined.set(municipality, Date.parse(time));
  };
  const cluster: Cluster = await startCluster({
    municipalities: FOUNDERS,
    db,
    dbPrefix: `bench_gov_${process.pid}_${n}`,
    operatorToken: TOKEN,
    pollIntervalMs,
    onLog,
  });
  try {
    const main = cluster.mainchain.url;
    const gateway = cluster.gateway.url;
    const keys = new Map<string, Uint8Array>(FOUNDERS.map((f) => [f.code, hexToBytes(cluster.keys.sequencer(f.code))]));

    // The founding members beyond the three ledgers: fillers, registered directly (before any proposal), until the gateway routes to every one.
    const codes = fillerCodes(n - FOUNDERS.length);
    for (const code of codes) keys.set(code, fillerSecretKey(code));
    const { registerS: registerFillersS, admitS: admitAllS } = await registerFillers({ mainchain: main, gateway, token: TOKEN }, fillers, codes, n);

    const samples: Sample[] = [];
    for (let r = 1; r <= repeats; r++) {
      const code = `new${r}`;
      const ledger = await cluster.startLedger({ code, name: `New ${r}` });
      const { propose: p } = await call<{
        propose: {
          id: string;
          eventId: string;
          electorate: Array<{ code: string; governanceKey: string }>;
          rules: { quorum: string; threshold: string; veto: string };
        };
      }>(main, PROPOSE, { input: { title: `Register ${code}`, registerMunicipality: { code, name: `New ${r}`, endpoints: [ledger.url] } } }, true);
      const rules = {
        quorum: parseFraction(p.rules.quorum, 'quorum'),
        threshold: parseFraction(p.rules.threshold, 'threshold'),
        veto: parseFraction(p.rules.veto, 'veto'),
      };
      const members = p.electorate.length;
      let needed = 1;
      while (decide(countVotes(Array<VoteOption>(needed).fill('YES'), members), rules, false) !== 'PASSED') needed++;
      const vote = async (member: { code: string; governanceKey: string }) => {
        const sk = keys.get(member.code);
        if (!sk || bytesToHex(publicKeyOf(sk)) !== member.governanceKey) throw new Error(`no governance key of ${member.code}`);
        const signed = signVote(
          { v: 1, type: 'vote', proposal: p.id, proposalHash: p.eventId, municipality: member.code, option: 'YES', time: new Date().toISOString() },
          sk,
        );
        await call(main, VOTE, { input: { body: canonicalJson(signed.body), signature: signed.signature } });
      };
      await pool(p.electorate.slice(0, needed - 1), 8, vote);

      const query = `{ municipality(code: "${code}") { chain { height } } }`;
      const before = await postGraphQL<{ municipality: { chain: { height: number } | null } | null }>(gateway, query, { secret: subgraphSecret() });
      if (before.data?.municipality?.chain) throw new Error(`${code} answered before its proposal passed`);

      await vote(p.electorate[needed - 1]!);
      const votedAt = performance.now();
      for (;;) {
        const reply = await postGraphQL<{ municipality: { chain: { height: number } | null } | null }>(gateway, query, {
          timeoutMs: 30_000,
          secret: subgraphSecret(),
        });
        if (!reply.errors && typeof reply.data?.municipality?.chain?.height === 'number') break;
        if (performance.now() - votedAt > 120_000) throw new Error(`${code} did not answer within 120 s: ${JSON.stringify(reply.errors)}`);
        await sleep(5);
      }
      const answeredAt = performance.now();
      const answeredWall = Date.now();
      // The main chain records the outcome after carrying the proposal out: with a large electorate
      // (its document holds every member) the new municipality can answer first.
      let proposal: { status: string; decidedAt: string | null };
      for (;;) {
        ({ proposal } = await call<{ proposal: { status: string; decidedAt: string | null } }>(main, `{ proposal(id: "${p.id}") { status decidedAt } }`));
        if (proposal.status !== 'VOTING' || performance.now() - answeredAt > 30_000) break;
        await sleep(5);
      }
      if (proposal.status !== 'PASSED' || !proposal.decidedAt) throw new Error(`proposal ${p.id} is ${proposal.status}`);
      const decidedAt = Date.parse(proposal.decidedAt);
      const sample = {
        fromVoteMs: answeredAt - votedAt,
        fromDecidedMs: answeredWall - decidedAt,
        decidedToJoinedMs: (joined.get(code) ?? NaN) - decidedAt,
        votes: needed,
        electorate: members,
      };
      samples.push(sample);
      keys.set(code, hexToBytes(cluster.keys.sequencer(code)));
      console.log(
        `  N=${n} ${code}: ${members} members, ${needed} YES votes; answering ${sample.fromVoteMs.toFixed(0)} ms after the deciding vote, ${sample.fromDecidedMs.toFixed(0)} ms after decidedAt (in the gateway's shard map ${sample.decidedToJoinedMs.toFixed(0)} ms after it)`,
      );
    }
    const reads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await call(main, '{ municipalities { code status endpoints } }');
      reads.push(performance.now() - t);
    }
    return { n, registerFillersS, admitAllS, samples, registryReadMs: median(reads), gatewayRssMB: memoryOf(cluster.gateway.child.pid).rssMB };
  } finally {
    await cluster.stop();
  }
}

type Peer = { n: number; result: PeerResult | undefined; outcome: 'done' | 'timeout' | 'failed' | 'skipped'; why?: string };

/** One recomposition of n namespaced subgraphs and its query planner, in a child process with a time cap. */
function measurePeer(n: number): Promise<Peer> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${composeHeapMB}`, '--import', 'tsx', join(here, 'support', 'compose-peer.ts'), String(n)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let result: PeerResult | undefined;
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.startsWith('{')) result = JSON.parse(line) as PeerResult;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, composeTimeoutS * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) resolve({ n, result, outcome: 'timeout' });
      else if (code === 0 && result?.stage === 'done') resolve({ n, result, outcome: 'done' });
      else resolve({ n, result, outcome: 'failed', why: `exit ${signal ?? code}: ${stderr.trim().split('\n').slice(-3).join(' / ')}` });
    });
  });
}

/** The machine is shared: the 1-minute load average, to tell a quiet run from a busy one. */
const load = () => `load ${loadavg()[0]!.toFixed(1)}`;
const ms = (x: number | undefined) => (x === undefined ? '—' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(0)} ms`);

const db = await startDatabase();
const fillers = await startFillers();
try {
  console.log(
    `governance: registering a municipality; ${db.kind} database; gateway registry watch: ${registryWatch()}; sizes ${sizes.join(', ')}; ${repeats} registrations each`,
  );
  const ours: Ours[] = [];
  for (const n of sizes) {
    console.log(`  N=${n}: starting, ${load()}`);
    const o = await measureOurs(n, fillers, db);
    ours.push(o);
    console.log(
      `  N=${n}: fillers registered in ${o.registerFillersS.toFixed(1)} s, all ${n} routed by the gateway ${o.admitAllS.toFixed(1)} s later; one whole registry read (the gateway reads only what changed, registryChanges; this is its 10 s fallback) ${o.registryReadMs.toFixed(0)} ms; gateway RSS ${o.gatewayRssMB.toFixed(0)} MB; ${load()}`,
    );
  }
  const peers: Peer[] = [];
  for (const n of withPeer ? sizes : []) {
    const p = await measurePeer(n);
    peers.push(p);
    const r = p.result;
    console.log(
      `  peer N=${n}: ${p.outcome}${p.why ? ` (${p.why})` : ''}; compose ${ms(r?.composeMs)}, planner init ${ms(r?.plannerInitMs)}, heap ${r ? r.heapUsedMB.toFixed(0) : '—'} MB; ${load()}`,
    );
  }

  console.log(
    '\n   N | ours: passed -> answering (median / max) | from decidedAt (median / max) | peer: compose | planner init | plan 1 query | heap used (max RSS)',
  );
  for (const [i, n] of sizes.entries()) {
    const o = ours[i]!;
    const p = peers[i] ?? { n, result: undefined, outcome: 'skipped' };
    const v = o.samples.map((s) => s.fromVoteMs);
    const d = o.samples.map((s) => s.fromDecidedMs);
    const r = p.result;
    const cut = p.outcome === 'timeout' ? `did not finish in ${composeTimeoutS} s` : p.outcome === 'failed' ? `failed (${p.why})` : 'not run (BENCH_PEER=0)';
    const peer =
      p.outcome === 'done'
        ? `${ms(r!.composeMs)} | ${ms(r!.plannerInitMs)} | ${ms(r!.planOneQueryMs)} | ${r!.heapUsedMB.toFixed(0)} MB (${r!.maxRssMB.toFixed(0)} MB)`
        : `${r ? ms(r.composeMs) : cut} | ${r?.plannerInitMs !== undefined ? ms(r.plannerInitMs) : r ? cut : '—'} | ${r?.planOneQueryMs !== undefined ? ms(r.planOneQueryMs) : '—'} | ${r ? `${r.heapUsedMB.toFixed(0)} MB at ${r.stage} (${r.maxRssMB.toFixed(0)} MB)` : '—'}`;
    console.log(`${String(n).padStart(5)} | ${ms(median(v))} / ${ms(Math.max(...v))} | ${ms(median(d))} / ${ms(Math.max(...d))} | ${peer}`);
  }
} finally {
  await fillers.close();
  await db.stop();
}
