/**
 * The Aiki explorer: a single-page app the gateway serves at `/`, using its public GraphQL API only
 * (what any third-party frontend could do) and verifying proofs with core/ in the browser.
 */
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { lang, setLang, t, type Lang } from './i18n.ts';
import { href, route, type Route } from './route.ts';
import { useSignal } from './signal.ts';
import { Account, KeyAccounts } from './pages/Account.tsx';
import { Block } from './pages/Block.tsx';
import { Chain } from './pages/Chain.tsx';
import { Federation } from './pages/Federation.tsx';
import { Governance, Proposal } from './pages/Governance.tsx';
import { Search } from './pages/Search.tsx';
import { Trace } from './pages/Trace.tsx';
import { Transaction } from './pages/Transaction.tsx';
import './style.css';

function Page({ r }: { r: Route }) {
  switch (r.page) {
    case 'chain':
      return <Chain code={r.code} after={r.after} />;
    case 'block':
      return <Block code={r.code} height={r.height} />;
    case 'tx':
      return <Transaction id={r.id} />;
    case 'account':
      return <Account address={r.address} after={r.after} />;
    case 'key':
      return <KeyAccounts publicKey={r.publicKey} />;
    case 'trace':
      return <Trace id={r.id} />;
    case 'governance':
      return <Governance />;
    case 'proposal':
      return <Proposal id={r.id} />;
    case 'search':
      return <Search text={r.text} />;
    default:
      return <Federation />;
  }
}

function SearchBox() {
  const [text, setText] = useState('');
  return (
    <form
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) location.hash = href.search(text.trim());
      }}
    >
      <input
        type="search"
        name="q"
        aria-label={t().search}
        placeholder={t().searchPlaceholder}
        value={text}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
      />
      <button type="submit">{t().search}</button>
    </form>
  );
}

function App() {
  const r = useSignal(route);
  const current = useSignal(lang);
  document.documentElement.lang = current;
  return (
    <>
      <header>
        <a class="brand" href={href.federation()}>
          愛記 Aiki
        </a>
        <nav>
          <a href={href.federation()}>{t().federation}</a>
          <a href={href.governance()}>{t().governance}</a>
          <a href="/graphql">{t().graphiql}</a>
        </nav>
        <SearchBox />
        <select aria-label={t().language} data-testid="lang" value={current} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}>
          <option value="ja">日本語</option>
          <option value="en">English</option>
        </select>
      </header>
      <main>
        <Page r={r} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
