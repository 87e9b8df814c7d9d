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
  if (state.error)
    return (
      <p class="error" role="alert">
        {t().error}: {state.error.message}
      </p>
    );
  return <p class="muted">{t().loading}</p>;
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
