/**
 * The search box's answer: a transaction id (`kyoto:<txid>`, or a bare txid looked up in every
 * municipality), an address, a block hash, `municipality/height`, a municipality code, or a public
 * key (its accounts). Goes to the page found, or says nothing was.
 */
import { query, request } from '../api.ts';
import { t } from '../i18n.ts';
import { SearchQuery, TransactionQuery } from '../queries.ts';
import { href } from '../route.ts';
import { Show, useLoad } from '../ui.tsx';

const BLOCK = /^([a-z][a-z0-9-]{1,31})\/(\d{1,10})$/;
const ID = /^([a-z][a-z0-9-]{1,31}):([0-9a-f]{64})$/;
const HEX64 = /^[0-9a-f]{64}$/;
const CODE = /^[a-z][a-z0-9-]{1,31}$/;

/** Where `text` leads, or null. */
export async function resolveSearch(raw: string): Promise<string | null> {
  const text = raw.trim().toLowerCase();
  const block = BLOCK.exec(text);
  if (block) return href.block(block[1]!, Number(block[2]));
  if (ID.test(text)) {
    // `<code>:<64 hex>` is a transaction id or an address: a transaction if there is one.
    const { data } = await request(TransactionQuery, { id: text });
    return data?.transaction ? href.tx(text) : href.account(text);
  }
  if (HEX64.test(text)) {
    const { municipalities } = await query(SearchQuery, { hash: text });
    for (const m of municipalities) {
      if (m.chain?.transaction) return href.tx(m.chain.transaction.id);
      if (m.chain?.block) return href.blockId(m.chain.block.id);
    }
    return href.key(text);
  }
  if (CODE.test(text)) return href.chain(text);
  return null;
}

export function Search({ text }: { text: string }) {
  const state = useLoad(async () => {
    const found = await resolveSearch(text);
    if (found) location.replace(found);
    return found;
  }, text);
  return (
    <Show state={state}>
      {(found) =>
        found ? (
          <p class="muted">{t().loading}</p>
        ) : (
          <p data-testid="not-found">
            {t().searchNotFound} {text}
          </p>
        )
      }
    </Show>
  );
}
