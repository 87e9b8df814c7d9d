/** Verification runs after the page has painted (a proof's PoH segment can take a moment): the result, or undefined until then. */
import { useEffect, useState } from 'preact/hooks';

export function useDeferred<T>(compute: () => T, key: string): T | undefined {
  const [value, setValue] = useState<{ key: string; value: T } | undefined>(undefined);
  useEffect(() => {
    const timer = setTimeout(() => setValue({ key, value: compute() }), 0);
    return () => clearTimeout(timer);
  }, [key]);
  return value?.key === key ? value.value : undefined;
}

/** The main chain's key the reader pinned (localStorage), if any: then nothing from the server is trusted for main-chain signatures. */
export function pinnedMainchainKey(): string | undefined {
  return localStorage.getItem('aiki.mainchainKey') ?? undefined;
}

export function pinMainchainKey(key: string | undefined): void {
  if (key) localStorage.setItem('aiki.mainchainKey', key);
  else localStorage.removeItem('aiki.mainchainKey');
}
