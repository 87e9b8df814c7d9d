/**
 * The one catalogue of error codes that clients and operators see, in `extensions.code`.
 *
 * A client's mistake or an expected failure is an {@link AikiError} (a `GraphQLError` with a code
 * from this table); anything else is a bug and is masked at the edge. Add a code here before
 * throwing it anywhere, so that the catalogue stays the single list a client can program against
 * (the README links here).
 */
import { GraphQLError } from 'graphql';

export const ERRORS = {
  BAD_USER_INPUT: 'An argument is malformed: wrong type, length, format or range.',
  UNKNOWN_MUNICIPALITY: 'No municipality with this code is registered on the main chain.',
  MUNICIPALITY_EXISTS: 'A municipality with this code is already registered.',
  WRONG_MUNICIPALITY: "The request was sent to another municipality's ledger than the one it names.",
  MALFORMED_REPRESENTATION: 'An entity representation lacks its key fields or names no municipality.',
  SHARD_UNAVAILABLE: 'The municipality is registered but its ledger subgraph cannot be reached now; retry later.',
  SUBGRAPH_UNREACHABLE: 'A subgraph (a URL given for registration, an extension) did not answer, or answered something that is not GraphQL JSON.',
  SUBGRAPH_TIMEOUT: 'A subgraph did not answer within its time-out (`extensions.timeoutMs`); the rest of the response is answered without it.',
  RESPONSE_TOO_LARGE: "A subgraph's answer is larger than the federation reads from it (`extensions.limit` bytes); it was not read further.",
  ENDPOINT_REFUSED:
    'The federation does not call this URL: a link-local, multicast or (outside development, AIKI_ALLOW_PRIVATE_ENDPOINTS) private or loopback address, or it answered with a redirect, which is not followed.',
  SCHEMA_MISMATCH: 'The subgraph serves another schema than the ledger contract (schema/ledger.graphql).',
  UNROUTABLE_REQUEST: 'The shard router cannot tell which municipality a ledger request is for.',
  UNAUTHENTICATED: 'This operation needs operator credentials (Authorization: Bearer <token>).',
  AUTH_UNAVAILABLE: 'The gateway could not check operator credentials now (the main chain did not answer); retry after retryAfterMs.',
  DATABASE_UNAVAILABLE: 'No MongoDB-compatible database could be reached or started.',
  BAD_ADDRESS: 'An account address is not `<municipality>:<64 hex of an Ed25519 public key>`.',
  BAD_TRANSACTION:
    'A transaction is malformed: missing or extra fields, wrong types, unknown version or type, or a time that is not ISO 8601 UTC with milliseconds (or too far from now).',
  BAD_AMOUNT: 'An amount is not a positive integer in the smallest unit written in decimal without leading zeros, or exceeds 2^53-1.',
  BAD_NONCE: 'A nonce is not a safe integer >= 1.',
  MEMO_TOO_LONG: 'A memo is longer than 256 bytes in UTF-8.',
  SELF_TRANSFER: 'A transfer names the same account as sender and receiver.',
  BAD_SIGNATURE: "A signature is not 128 lower-case hex characters or does not verify against the signer's public key.",
  ARCHIVE_INVALID:
    "A backup archive does not verify: a block breaks a chain rule (hash, signature, parent, Merkle root, Proof of History, a transaction's signature), a record is malformed, or the archive is cut short or altered. `extensions.height` is the first bad block (`extensions.line` the line, `extensions.check` the rule); nothing was written.",
  ARCHIVE_BEHIND_MAINCHAIN:
    "The main chain anchored the municipality's chain past the archive's newest block (`extensions.anchoredHeight`): restored, the ledger would seal other blocks at those heights, which the main chain refuses. Restore a newer archive.",
  RESTORE_TARGET_NOT_EMPTY:
    'A restore writes only into an empty database; this one holds documents (`extensions.database`, `extensions.collection`). Nothing was written.',
  BAD_BLOCK: 'A block does not follow from its parent: hash, signature, height, previous hash, time, transaction root or Proof of History.',
  NONCE_REUSED: "The sender's nonce is already used (by a confirmed or pending transaction); `extensions.expected` is the next one.",
  NONCE_GAP: 'The nonce skips one: nonces go up by one from 1; `extensions.expected` is the next one.',
  INSUFFICIENT_FUNDS: "The sender's confirmed balance less its pending transfers is below the amount.",
  TRANSACTION_NOT_FOUND: 'No transaction with this id is known to this ledger (confirmed, pending or rejected).',
  BLOCK_NOT_FOUND: 'No block with this height or hash exists on this ledger.',
  TOO_MANY_PENDING: 'The sender already has 1,000 transactions waiting to be sealed; retry when some are confirmed.',
  MEMPOOL_FULL: 'The ledger has 200,000 transactions waiting to be sealed; retry shortly.',
  SEQUENCER_UNAVAILABLE:
    "No replica of the municipality's ledger holds the sequencer lease now (a hand-over after a crash takes up to two lease times); retry after `extensions.retryAfterMs`.",
  MAINCHAIN_UNAVAILABLE:
    'No process of the main chain holds its lease now (a hand-over after a crash takes up to three lease terms); retry after `extensions.retryAfterMs`.',
  ANCHOR_SIGNATURE_INVALID: "A block offered for anchoring is not signed by its municipality's registered sequencer key.",
  ANCHOR_PREV_HASH_MISMATCH: "A block offered for anchoring does not name the municipality's last anchored block as its previous hash.",
  ANCHOR_HEIGHT_GAP: 'A block offered for anchoring skips heights; `extensions.expected` is the next height the main chain anchors.',
  ANCHOR_CONFLICT: 'Another block is already anchored at this height for this municipality (evidence of a fork).',
  MUNICIPALITY_SUSPENDED: 'The municipality is suspended: it takes no new transfers, and transfers to it are refunded.',
  SETTLEMENT_ABORTED: 'The main chain aborted this credit (it refunds the sender instead); it is never written.',
  SETTLEMENTS_UNAVAILABLE: 'This ledger cannot check settlement orders: it has no main-chain key (AIKI_MAINCHAIN_PUBLIC_KEY).',
  BAD_PROPOSAL: 'A proposal is malformed: no action or more than one, or an argument of its action is out of shape (`extensions.field` says which).',
  UNKNOWN_PROPOSAL: 'No governance proposal with this id exists.',
  BAD_VOTE: 'A vote is malformed: fields, version, option, time, or it names another proposal or proposal hash.',
  NOT_A_MEMBER: 'The municipality is not a member voting on this proposal (members are the municipalities active when it was submitted).',
  VOTE_EXISTS: 'This member has already voted on this proposal; votes are final.',
  VOTING_CLOSED: 'Voting on this proposal has ended (`extensions.status` is its outcome, or VOTING while it is being counted).',
  GOVERNANCE_REQUIRED: 'Municipalities are registered by governance proposal once the first proposal is submitted (`aiki municipality propose`).',
  COMPOSITION_FAILED: 'The subgraphs do not compose into one supergraph; `extensions.errors` lists each composition error.',
  CONTRACT_TAKEOVER:
    "An extension subgraph reaches into the contract (the main chain's and the ledger's types and fields): it may only add new fields to their entities and types and root fields of its own; `extensions.errors` lists each reason.",
  UNKNOWN_SUBGRAPH: 'No extension subgraph with this name is registered.',
  SUBGRAPH_EXISTS: 'A subgraph with this name is already registered (mainchain and ledger are reserved).',
  SIGNATURE_REQUIRED: "A subgraph was called without the federation's request signature: call it through the gateway.",
  BAD_REQUEST_SIGNATURE: "A request's x-aiki-signature is malformed or does not verify with the federation's secret.",
  SIGNATURE_EXPIRED:
    "A request's x-aiki-signature verifies but was made over 60 s before the request arrived (held up on the way, or replayed): sign it again and resend; nothing of it was read.",
  INTERNAL_SERVER_ERROR: 'An unexpected error; details are in the server logs, not in the response.',
  QUERY_TOO_LARGE: 'The query text is longer than the gateway reads (`extensions.limit` bytes, `extensions.measured` sent); split the operation.',
  TOO_MANY_TOKENS: 'The query has more GraphQL tokens than the gateway parses (`extensions.limit`, `extensions.measured` sent); split the operation.',
  QUERY_TOO_DEEP: 'Fields are nested deeper than `extensions.limit` levels, fragments expanded (`extensions.measured`); ask for less at once.',
  TOO_MANY_ALIASES: 'The operation has more than `extensions.limit` aliases, fragments expanded (`extensions.measured`); use a list field or several requests.',
  TOO_MANY_ROOT_FIELDS: 'The operation selects more than `extensions.limit` root fields (`extensions.measured`); split it into several requests.',
  QUERY_TOO_COSTLY:
    'The estimated cost — fields times list sizes (`first`/`last`/`limit`, or an assumed size) — is above `extensions.limit` (`extensions.measured`); ask for smaller pages.',
  PERSISTED_QUERY_NOT_FOUND: 'The gateway does not know this persisted query hash (APQ): send the query text with the same hash once, then the hash alone.',
  PERSISTED_QUERY_HASH_MISMATCH: '`extensions.persistedQuery.sha256Hash` is not the SHA-256 (lower-case hex) of the query text sent with it.',
  PERSISTED_QUERY_MALFORMED: '`extensions.persistedQuery` is not `{"version": 1, "sha256Hash": "<hash or manifest id>"}`.',
  OPERATION_NOT_SAFELISTED:
    "The gateway runs only the operations of its persisted query manifest (safelist mode); send a registered operation's id or exact text.",
  RATE_LIMITED: 'Too many requests from this client: retry after `extensions.retryAfterMs` (HTTP 429, `Retry-After` in seconds).',
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** An expected, client-facing error: its `code` is in {@link ERRORS}, its `details` are safe to show. */
export class AikiError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...details } });
    this.code = code;
  }
}

/** `aikiError('UNKNOWN_MUNICIPALITY', 'no municipality "x"', { municipality: 'x' })` */
export function aikiError(code: ErrorCode, message: string, details?: Record<string, unknown>): AikiError {
  return new AikiError(code, message, details);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}
