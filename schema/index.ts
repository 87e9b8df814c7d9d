/** The GraphQL contracts and the check that a subgraph honours them. The public door of `schema/`. */
export { ledger, mainchain } from './sdl.ts';
export { checkLedgerEndpoint, schemaFingerprint, type LedgerEndpointCheck } from './contract.ts';
export { composeFederation, LEDGER_ROUTER_URL, RESERVED_SUBGRAPHS, type Composition, type ExtensionSdl } from './compose.ts';
export { CONFIRMED_TRANSACTION_FIELDS, SEALED_BLOCK_FIELDS } from './sealedFields.ts';
