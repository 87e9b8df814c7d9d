/** Resolvers of the municipal ledger subgraph (schema/ledger.graphql). */
import { aikiError } from '../../core/errors.ts';
import { isMunicipalityCode } from '../../core/municipality.ts';
import type { Resolvers } from '../../schema/generated/ledger.ts';

interface MunicipalityRef {
  code: string;
}

export const resolvers: Resolvers = {
  Municipality: {
    /**
     * Only this municipality's own entity resolves here: the shard router sends each
     * representation to the ledger it names, so a mismatch means a misrouted or forged request.
     */
    __resolveReference(ref: { code?: unknown }, { municipality }): MunicipalityRef {
      if (!isMunicipalityCode(ref.code)) {
        throw aikiError('MALFORMED_REPRESENTATION', `Municipality representation needs a municipality code, got ${JSON.stringify(ref.code ?? null)}`);
      }
      if (ref.code !== municipality) {
        throw aikiError('WRONG_MUNICIPALITY', `this is the ledger of ${municipality}, not of ${ref.code}`, { municipality: ref.code, served: municipality });
      }
      return { code: ref.code };
    },
    chain: async (_parent, _args, { store, municipality }) => {
      const head = await store.head();
      return { municipality, height: head.height, headHash: head.hash, headTime: head.time.toISOString() };
    },
  },
};
