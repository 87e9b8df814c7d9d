/**
 * A transfer's path across municipalities as a picture: municipalities as lanes, each hop an arrow
 * from its source lane to its destination's, its settlement steps and the anchors of its blocks on
 * it. Every proof of the trace is verified here with core/'s verifyTrace — what `aiki verify`
 * checks — and the trace can be saved as the file `aiki verify --trace` reads.
 */
import { useState } from 'preact/hooks';
import { verifyTrace, TRACE_QUERY, type TraceInput } from '../../../core/trace.ts';
import type { ProofCheck } from '../../../core/proof.ts';
import { query } from '../api.ts';
import { t } from '../i18n.ts';
import { href } from '../route.ts';
import { Address, Checks, Hex, NotFound, Show, Status, Table, TxLink, useLoad } from '../ui.tsx';
import { pinMainchainKey, pinnedMainchainKey, useDeferred } from '../verify.ts';

/** What `aiki trace` prints and `aiki verify --trace` reads. */
interface TraceFile {
  mainChain: { sequencer: string };
  trace: TraceInput | null;
}

export function Trace({ id }: { id: string }) {
  const state = useLoad(() => query<TraceFile, { id: string; depth: number }>(TRACE_QUERY, { id, depth: 3 }), id);
  return <Show state={state}>{(file) => (file.trace ? <View file={file as TraceFile & { trace: TraceInput }} /> : <NotFound what={id} />)}</Show>;
}

function View({ file }: { file: TraceFile & { trace: TraceInput } }) {
  const [pinned, setPinned] = useState(pinnedMainchainKey());
  const key = pinned ?? file.mainChain.sequencer;
  const verified = useDeferred(() => {
    const started = performance.now();
    const checks = verifyTrace(file.trace, key);
    return { checks, ms: performance.now() - started };
  }, `${file.trace.transactionId}/${key}`);
  const download = () => {
    const url = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2) + '\n'], { type: 'application/json' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: `trace-${file.trace.transactionId.replace(':', '-')}.json` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <>
      <h1>
        {t().trace} <TxLink id={file.trace.transactionId} />
      </h1>
      <p>
        {t().trustedKey}: <Hex value={key} /> {pinned ? <span class="good">({t().pinned})</span> : <span class="muted">({t().fromServer})</span>}{' '}
        <button
          type="button"
          onClick={() => {
            pinMainchainKey(pinned ? undefined : key);
            setPinned(pinned ? undefined : key);
          }}
        >
          {pinned ? '×' : t().pinKey}
        </button>
      </p>
      <p>
        <button type="button" data-testid="download" onClick={download}>
          {t().downloadTrace}
        </button>
      </p>
      <Graph trace={file.trace} checks={verified?.checks} />
      <Hops trace={file.trace} />
      {verified ? (
        <div data-testid="trace-verified" data-ms={verified.ms.toFixed(1)}>
          <Checks checks={verified.checks} />
        </div>
      ) : (
        <p class="muted">{t().verifying}</p>
      )}
    </>
  );
}

const LANE = 280;
const ROW = 120;
const TOP = 50;

/** The hop's checks are those named `hop <i> …`; ok when all of them are. */
function hopOk(checks: ProofCheck[] | undefined, i: number): boolean | undefined {
  if (!checks) return undefined;
  return checks.filter((c) => c.name.startsWith(`hop ${i} `)).every((c) => c.ok);
}

function Graph({ trace, checks }: { trace: TraceInput; checks: ProofCheck[] | undefined }) {
  const lanes: string[] = [];
  for (const hop of trace.hops) for (const m of [hop.settlement.source, hop.settlement.destination]) if (!lanes.includes(m)) lanes.push(m);
  const x = (m: string) => LANE / 2 + lanes.indexOf(m) * LANE;
  const height = TOP + trace.hops.length * ROW + 20;
  return (
    <svg
      class="trace"
      data-testid="trace-graph"
      viewBox={`0 0 ${lanes.length * LANE} ${height}`}
      width={lanes.length * LANE}
      height={height}
      role="img"
      aria-label={t().trace}
    >
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
        </marker>
      </defs>
      {lanes.map((m) => (
        <g class="lane" data-lane={m}>
          <line x1={x(m)} y1={TOP - 10} x2={x(m)} y2={height - 10} />
          <text x={x(m)} y={24} text-anchor="middle" class="lane-name">
            <a href={href.chain(m)}>{m}</a>
          </text>
        </g>
      ))}
      {trace.hops.map((hop, i) => {
        const s = hop.settlement;
        const y = TOP + i * ROW + 30;
        const ok = hopOk(checks, i);
        const from = x(s.source);
        const to = x(s.destination);
        const dir = to >= from ? 1 : -1;
        return (
          <g class={`hop ${ok === undefined ? '' : ok ? 'good' : 'bad'}`} data-testid="hop" data-hop={i} data-ok={ok === undefined ? '' : String(ok)}>
            <a href={href.tx(s.id)}>
              <line x1={from + dir * 8} y1={y} x2={to - dir * 8} y2={y} marker-end="url(#arrow)" />
              <text x={(from + to) / 2} y={y - 10} text-anchor="middle">{`${s.amount} · ${ok === undefined ? '…' : ok ? '✓' : '✗'}`}</text>
            </a>
            <rect x={from - 6} y={y - 6} width="12" height="12" class="anchor">
              <title>
                {hop.transferAnchor?.inclusion ? `anchored in main-chain block ${hop.transferAnchor.inclusion.mainBlock.height}` : 'not anchored yet'}
              </title>
            </rect>
            {hop.entryAnchor && (
              <rect x={to - 6} y={y - 6} width="12" height="12" class="anchor">
                <title>{hop.entryAnchor.inclusion ? `anchored in main-chain block ${hop.entryAnchor.inclusion.mainBlock.height}` : 'not anchored yet'}</title>
              </rect>
            )}
            {s.steps.map((_, k) => (
              <circle cx={from + ((to - from) * (k + 1)) / (s.steps.length + 1)} cy={y + 14} r="4" class="step" />
            ))}
            <text x={(from + to) / 2} y={y + 34} text-anchor="middle" class="step-name">
              {s.steps.map((step) => `${step.status}${step.inclusion ? ` #${step.inclusion.mainBlock.height}` : ''}`).join(' → ')}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** The hops as a table beside the picture: who sent what to whom, and where it stands. */
function Hops({ trace }: { trace: TraceInput }) {
  return (
    <Table
      items={trace.hops}
      columns={[
        {
          cell: (_hop, i) => (
            <>
              {t().hop} {i}
            </>
          ),
        },
        {
          cell: (hop) => (
            <>
              <Address value={hop.settlement.from} /> → <Address value={hop.settlement.to} />
            </>
          ),
        },
        { class: 'num', cell: (hop) => hop.settlement.amount },
        { cell: (hop) => <Status value={hop.settlement.status} /> },
      ]}
    />
  );
}
