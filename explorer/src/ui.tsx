/** Pieces every page uses: loading data, a check list, hashes, times, addresses. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ProofCheck } from '../../core/proof.ts';
import { t } from './i18n.ts';
import { href } from './route.ts';

export interface Loaded<T> {
  data?: T;
  error?: Error;
}

/**
 * Runs `load` when `key` changes, and again every `pollMs` while the page is shown. Polling keeps
 * the last data on screen while the next answer comes, so nothing flickers.
 */
export function useLoad<T>(load: () => Promise<T>, key: string, pollMs?: number): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({});
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setState({});
    const run = async () => {
      try {
        const data = await load();
        if (live) setState({ data });
      } catch (error) {
        if (live) setState((s) => ({ ...s, error: error as Error }));
      }
      if (live && pollMs) timer = setTimeout(run, pollMs);
    };
    void run();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key]);
  return state;
}

/** Loading, an error, or the page. */
export function Show<T>({ state, children }: { state: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (state.data !== undefined) return <>{children(state.data)}</>;
  if (state.error) return <Alert message={`${t().error}: ${state.error.message}`} />;
  return <p class="muted">{t().loading}</p>;
}

/** An error the page cannot go on from. */
export function Alert({ message }: { message: string | undefined }) {
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}

/** What the page was asked for does not exist. */
export function NotFound({ what }: { what: string }) {
  return (
    <p>
      {t().notFound}: {what}
    </p>
  );
}

/** A column of a {@link Table}: its head, and its cell for each item (a `<td>`, with `class` and `testid` when given). */
export interface Column<T> {
  head?: ComponentChildren;
  cell: (item: T, index: number) => ComponentChildren;
  /** The cell's class (`num` for amounts): one for every item, or one for each. */
  class?: string | ((item: T) => string);
  testid?: string;
}

/**
 * A table: a row of the columns' heads (none when no column has one), then one row an item, with
 * `attrs` (its data attributes) on it. A column's head and cell are written together, so they
 * cannot fall out of step.
 */
export function Table<T>({
  id,
  columns,
  items,
  attrs,
}: {
  id?: string;
  columns: Column<T>[];
  items: T[];
  attrs?: (item: T) => Record<string, string | number>;
}) {
  return (
    <table data-testid={id}>
      {columns.some((c) => c.head !== undefined) && (
        <thead>
          <tr>
            {columns.map((c) => (
              <th>{c.head}</th>
            ))}
          </tr>
        </thead>
      )}
      <tbody>
        {items.map((item, index) => (
          <tr {...attrs?.(item)}>
            {columns.map((c) => (
              <td class={typeof c.class === 'function' ? c.class(item) : c.class} data-testid={c.testid}>
                {c.cell(item, index)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A page of a list read by cursors: a link to the newest page when not on it, and one to the next older page when there is one. */
export function Pager({
  after,
  pageInfo,
  link,
}: {
  /** The cursor this page starts after (none: the newest page). */
  after: string | undefined;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  link: (after?: string) => string;
}) {
  return (
    <nav class="pager">
      {after && <a href={link()}>{t().newest}</a>}
      {pageInfo.hasNextPage && pageInfo.endCursor && (
        <a data-testid="older" href={link(pageInfo.endCursor)}>
          {t().older} →
        </a>
      )}
    </nav>
  );
}

/**
 * A transaction's columns: its id, kind, sender, recipient and amount — with `account`, the amount
 * signed as seen from that account (+ received, − sent).
 */
export function txColumns<T extends { id: string; kind: string; from: string; to: string; amount: string }>(account?: string): Column<T>[] {
  const received = (tx: T) => account !== undefined && tx.to === account;
  return [
    { head: t().transaction, cell: (tx) => <TxLink id={tx.id} /> },
    { head: t().kind, cell: (tx) => tx.kind },
    { head: t().from, cell: (tx) => <Address value={tx.from} /> },
    { head: t().to, cell: (tx) => <Address value={tx.to} /> },
    {
      head: t().amount,
      class: (tx) => (received(tx) ? 'num good' : 'num'),
      cell: (tx) => (
        <>
          {account !== undefined && (received(tx) ? '+' : '−')}
          {tx.amount}
        </>
      ),
    },
  ];
}

/** Each check as `aiki verify` prints it: ✓ name, or ✗ name: what was wrong. */
export function Checks({ checks, title }: { checks: ProofCheck[]; title?: string }) {
  const failed = checks.filter((c) => !c.ok).length;
  return (
    <section class="checks" data-testid="checks" data-ok={failed === 0 ? 'true' : 'false'}>
      <h3>
        {title ?? t().verification} <span class={failed ? 'bad' : 'good'}>{failed ? `✗ ${failed} ${t().checksFailed}` : `✓ ${t().allChecksPassed}`}</span>
      </h3>
      <ul>
        {checks.map((c) => (
          <li class={c.ok ? 'good' : 'bad'} data-check={c.name} data-ok={String(c.ok)}>
            <span class="mark">{c.ok ? '✓' : '✗'}</span> {c.name}
            {!c.ok && <span class="detail">: {c.detail}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A long hex value, shortened, whole in its title and when selected. */
export function Hex({ value }: { value: string }) {
  return (
    <code class="hex" title={value}>
      {value.length > 20 ? `${value.slice(0, 10)}…${value.slice(-8)}` : value}
    </code>
  );
}

export function Address({ value }: { value: string }) {
  return (
    <a href={href.account(value)}>
      <Hex value={value} />
    </a>
  );
}

export function TxLink({ id }: { id: string }) {
  return (
    <a href={href.tx(id)}>
      <Hex value={id.slice(id.indexOf(':') + 1)} />
    </a>
  );
}

/** A time as the reader's locale writes it, and how long ago. */
export function Time({ iso }: { iso: string }) {
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={iso}>
      {date.toLocaleString()}
    </time>
  );
}

export function Fields({ rows }: { rows: Array<[string, ComponentChildren]> }) {
  return (
    <dl class="fields">
      {rows.map(([name, value]) => (
        <>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}

export function Status({ value }: { value: string }) {
  return <span class={`status status-${value.toLowerCase()}`}>{value}</span>;
}
