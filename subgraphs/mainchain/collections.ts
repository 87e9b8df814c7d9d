/** Every storage name of the main chain, in one place. */
export const COLLECTIONS = {
  /** The registry: one document per municipality, `_id` = its code. */
  municipalities: 'municipalities',
  /** Extension subgraphs composed into the supergraph, `_id` = name (removed ones stay, marked). */
  subgraphs: 'subgraphs',
  /** Governance proposals, `_id` = their number as a string (governance.ts). */
  proposals: 'proposals',
  /**
   * Submissions of proposals still open, `_id` = the SHA-256 of what was submitted (proposer, title,
   * description, action) → the proposal number it took: the same submission sent again (a retry
   * after a lost answer, through any process) answers that proposal instead of adding one
   * (governance.ts). A claim whose proposal was decided is replaced by the next such submission.
   */
  proposalClaims: 'proposalClaims',
  /** Signed votes, `_id` = `<proposal>|<municipality>`: one per member per proposal. */
  votes: 'votes',
  /** Operator tokens: `_id` = token id, with the SHA-256 digest of the secret (never the secret). */
  operators: 'operators',
  /** Anchored municipal block headers, `_id` = `<code>|<height, 12 digits>`. */
  anchors: 'anchors',
  /** Transfers between municipalities and their steps, `_id` = `<source>:<txid>` (settlements.ts). */
  settlements: 'settlements',
  /**
   * Each step of a settlement after its first decision, `_id` = `<settlement>|<step index>`: the
   * commit point of a step (a unique-key insert, so one step per index whichever process decides),
   * copied into the settlement document after (settlements.ts).
   */
  settlementSteps: 'settlementSteps',
  /** The main chain's lease: one document per term, `_id` = the term's number (runtime/lease.ts). */
  lease: 'lease',
  /** The registry's changes, `_id` = the change's number (12 digits): its revision is the newest (registry.ts). */
  registryLog: 'registryLog',
  /** Each decided proposal's outcome, `_id` = the proposal: decided once, whichever process decides (governance.ts). */
  outcomes: 'outcomes',
  /** The main chain's own blocks, `_id` = height as 12 digits, with the events they commit to. The commit point. */
  blocks: 'blocks',
  /** Where each event is sealed: `_id` = event id → main-chain block height and index. Derived from blocks. */
  events: 'events',
  /** Small documents: the height applied to the derived state, the proposal counter, the governance parameters. */
  meta: 'meta',
  /** Roots of every 64 main-chain block hashes, `_id` = chunk index as 12 digits: the checkpoint tree's (runtime/chainTree.ts). Derived from blocks. */
  chunks: 'chunks',
} as const;

/** The main chain's database unless AIKI_DB_NAME says otherwise. */
export const DEFAULT_MAINCHAIN_DB = 'aiki_mainchain';
