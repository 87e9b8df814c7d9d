/** Resolvers of the main-chain subgraph (schema/mainchain.graphql). */
import { aikiError } from '../../core/errors.ts';
import type { Resolvers } from '../../schema/generated/mainchain.ts';
import type { MunicipalityDoc } from './registry.ts';

const municipality = (doc: MunicipalityDoc) => ({ ...doc, registeredAt: doc.registeredAt.toISOString() });

export const resolvers: Resolvers = {
  Query: {
    municipalities: async (_root, { status }, { registry }) => (await registry.list(status)).map(municipality),
    municipality: async (_root, { code }, { registry }) => municipality(await registry.get(code)),
    // References only: the ledger of the named municipality answers the fields (through the
    // gateway's shard router). The main chain checks the municipality exists so that a typo is
    // UNKNOWN_MUNICIPALITY here rather than a routing error later.
    account: async (_root, { address }, { registry }) => ({ id: await registry.ledgerId(address, /^[0-9a-f]{64}$/, 'address') }),
    transaction: async (_root, { id }, { registry }) => ({ id: await registry.ledgerId(id, /^[0-9a-f]{64}$/, 'id') }),
    block: async (_root, { id }, { registry }) => ({ id: await registry.ledgerId(id, /^(0|[1-9][0-9]{0,15})$/, 'id') }),
  },
  Mutation: {
    registerMunicipality: async (_root, { input }, { registry, operator }) => {
      if (!operator) throw aikiError('UNAUTHENTICATED', 'registerMunicipality needs operator credentials: send Authorization: Bearer <AIKI_OPERATOR_TOKEN>');
      return municipality(await registry.register(input));
    },
  },
  Municipality: {
    __resolveReference: async (ref, { registry }) => municipality(await registry.get(ref.code)),
  },
};
