/** Reads the main chain's registry over HTTP, as any client of its subgraph would. */
import { postGraphQL } from '../../runtime/graphql.ts';

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
    const { data, errors } = await postGraphQL<T>(this.url, query, { timeoutMs: this.timeoutMs });
    if (!data) throw new Error(`main chain at ${this.url}: ${errors?.[0]?.message ?? 'no data'}`);
    return data;
  }
}
