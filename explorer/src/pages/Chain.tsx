/** A municipality's chain, newest blocks first, 20 a page (the API's cursors). */
import { query } from '../api.ts';
import { t } from '../i18n.ts';
import { ChainQuery } from '../queries.ts';
import { href } from '../route.ts';
import { Fields, Hex, Pager, Show, Status, Table, Time, useLoad } from '../ui.tsx';

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
              <Table
                id="blocks"
                items={m.chain.blocks.edges.map((e) => e.node)}
                attrs={(b) => ({ 'data-height': b.height })}
                columns={[
                  { head: t().height, cell: (b) => <a href={href.block(m.code, b.height)}>{b.height}</a> },
                  { head: t().hash, cell: (b) => <Hex value={b.hash} /> },
                  { head: t().txCount, cell: (b) => b.txCount },
                  { head: t().time, cell: (b) => <Time iso={b.time} /> },
                ]}
              />
              <Pager after={after} pageInfo={m.chain.blocks.pageInfo} link={(cursor) => href.chain(m.code, cursor)} />
            </>
          )}
        </>
      )}
    </Show>
  );
}
