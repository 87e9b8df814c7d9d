/** Resolvers of the main-chain subgraph (schema/mainchain.graphql). */
import { aikiError } from '../../core/errors.ts';
import type { Resolvers } from '../../schema/generated/mainchain.ts';
import type { MunicipalityDoc } from './registry.ts';

const municipality = (doc: MunicipalityDoc) => ({ ...doc, registeredAt: doc.registeredAt.toISOString() });

export const resolvers: Resolvers = {
  Query: {
    municipalities: async (_root, { status }, { registry }) => (await registry.list(status)).map(municipality),
    municipality: async (_root, { code }, { registry }) => municipality(await registry.get(code)),
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
