/**
 * Several URLs of one service — the main chain's processes (docs/SETTLEMENT.md, "Several main-chain
 * processes"): calls go to the one that answered last; a call that gets no answer there is tried at
 * the next, each once. The gateway and the ledgers take the main chain's URLs as a comma-separated
 * list (AIKI_MAINCHAIN_URL).
 */
import { GraphQLTransportError } from './graphql.ts';

/** Whether a failed call may be tried at another URL: nothing GraphQL came back. */
export const noAnswer = (err: unknown): boolean =>
  err instanceof GraphQLTransportError || err instanceof TypeError || (err as Error | undefined)?.name === 'TimeoutError';

export class Endpoints {
  private current = 0;

  constructor(readonly urls: readonly string[]) {
    if (urls.length === 0) throw new Error('no URL given');
  }

  /** The URL calls go to now. */
  get url(): string {
    return this.urls[this.current]!;
  }

  /** The URL among {@link urls} that `url` stands for now: another process's when `url` is one of them (the supergraph names the first), else `url`. */
  resolve(url: string): string {
    return this.urls.includes(url) ? this.url : url;
  }

  /**
   * Runs `call` at the current URL and, while it fails in a way `retry` accepts ({@link noAnswer} by
   * default), at each other URL once; the first that answers becomes the current one.
   */
  async run<T>(call: (url: string) => Promise<T>, retry: (err: unknown) => boolean = noAnswer): Promise<T> {
    const start = this.current;
    let last: unknown;
    for (let i = 0; i < this.urls.length; i++) {
      const index = (start + i) % this.urls.length;
      try {
        const answer = await call(this.urls[index]!);
        this.current = index;
        return answer;
      } catch (err) {
        last = err;
        if (!retry(err)) throw err;
      }
    }
    throw last;
  }
}
