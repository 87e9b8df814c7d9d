/** A municipality's chain, newest blocks first, 20 a page (the API's cursors). */
import { query } from '../api.ts';
import { t } from '../i18n.ts';
import { ChainQuery } from '../queries.ts';
import { href } from '../route.ts';
import { Fields, Hex, Show, Status, Time, useLoad } from '../ui.tsx';

export function Chain({ code, after }: { code: string; after?: string }) {
  const state = useLoad(() => query(ChainQuery, { code, after }), `${code}/${after ?? ''}`);
  return (
    <Show state={state}>
      {({ municipality: m }) => (
        <>
          <h1>
            {m.name} <code>{m.code}</code>
          </h1>
          <Fields
            rows={[
              [t().status, <Status value={m.status} />],
              [t().height, m.chain?.height ?? t().unavailable],
              [t().anchored, m.anchoredHeight],
              [t().sequencer, <Hex value={m.sequencerKey} />],
            ]}
          />
          {m.chain && (
            <>
              <h2>{t().blocks}</h2>
              <table data-testid="blocks">
                <thead>
                  <tr>
                    <th>{t().height}</th>
                    <th>{t().hash}</th>
                    <th>{t().txCount}</th>
                    <th>{t().time}</th>
                  </tr>
                </thead>
                <tbody>
                  {m.chain.blocks.edges.map(({ node: b }) => (
                    <tr data-height={b.height}>
                      <td>
                        <a href={href.block(m.code, b.height)}>{b.height}</a>
                      </td>
                      <td>
                        <Hex value={b.hash} />
                      </td>
                      <td>{b.txCount}</td>
                      <td>
                        <Time iso={b.time} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <nav class="pager">
                {after && <a href={href.chain(m.code)}>{t().newest}</a>}
                {m.chain.blocks.pageInfo.hasNextPage && m.chain.blocks.pageInfo.endCursor && (
                  <a data-testid="older" href={href.chain(m.code, m.chain.blocks.pageInfo.endCursor)}>
                    {t().older} →
                  </a>
                )}
              </nav>
            </>
          )}
        </>
      )}
    </Show>
  );
}
