/** Reads the main chain's registry over HTTP, as any client of its subgraph would. */

export interface RegisteredMunicipality {
  code: string;
  status: string;
  endpoints: string[];
}

export class RegistryClient {
  constructor(
    readonly url: string,
    private readonly timeoutMs = 5000,
  ) {}

  /** The main chain's subgraph SDL, for composition. */
  async serviceSdl(): Promise<string> {
    const data = await this.query<{ _service: { sdl: string } }>('query AikiServiceSdl { _service { sdl } }');
    return data._service.sdl;
  }

  async municipalities(): Promise<RegisteredMunicipality[]> {
    const data = await this.query<{ municipalities: RegisteredMunicipality[] }>('query AikiShardMap { municipalities { code status endpoints } }');
    return data.municipalities;
  }

  private async query<T>(query: string): Promise<T> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
    if (!body.data) throw new Error(`main chain at ${this.url}: ${body.errors?.[0]?.message ?? `HTTP ${res.status}`}`);
    return body.data;
  }
}
