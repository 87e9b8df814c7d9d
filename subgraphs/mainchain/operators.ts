/**
 * Operator credentials. Operators send `Authorization: Bearer <token>`. The root token comes from
 * AIKI_OPERATOR_TOKEN (only its digest is kept in memory); operators mint more with
 * `createOperatorToken`, each `aiki_<id>_<secret>` with 256 random bits, of which only the SHA-256
 * digest is stored. A slow password hash would add nothing for random 256-bit secrets (nothing to
 * guess), and a digest is compared in constant time.
 *
 * Through the gateway (docs/GATEWAY.md, "Operators"), the gateway checks the token first — it asks
 * {@link Operators.verify} on `POST /operators/verify` — and passes the operator on as a claim,
 * `x-aiki-operator: token=<id>;name=<URI-encoded name>`, covered by the request signature
 * (runtime/signing.ts). {@link Operators.fromClaim} accepts it only while that token is not
 * revoked, so a revocation holds here at once even while a gateway still has the token's verdict.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { aikiError } from '../../core/index.ts';
import { parseOperatorClaim } from '../../runtime/signing.ts';
import { COLLECTIONS } from './collections.ts';

interface OperatorDoc {
  _id: string;
  name: string;
  /** Hex SHA-256 of the secret part. */
  digest: string;
  createdAt: Date;
  createdBy: string;
}

/**
 * Who made a request: an operator's name and the id of the token it used (`root` for
 * AIKI_OPERATOR_TOKEN, `development` when none is configured), or null.
 */
export type Operator = { name: string; token: string } | null;

const DEVELOPMENT: NonNullable<Operator> = { name: 'development (no AIKI_OPERATOR_TOKEN)', token: 'development' };

const TOKEN = /^aiki_([0-9a-f]{16})_([0-9a-f]{64})$/;
const NAME = /^[\p{L}\p{N} ._@-]{1,64}$/u;
const digest = (secret: string) => createHash('sha256').update(secret).digest();

export class Operators {
  private readonly tokens: Collection<OperatorDoc>;
  /** Every token, by id (few; read at start and kept by their only writer). */
  private readonly byId = new Map<string, OperatorDoc>();
  private readonly root: Buffer | undefined;

  constructor(
    db: Db,
    rootToken: string | undefined,
    /** Whether this process holds the main chain's lease: it alone mints and revokes, so its map is whole. */
    private readonly may: () => boolean = () => true,
  ) {
    this.tokens = db.collection(COLLECTIONS.operators);
    this.root = rootToken ? digest(rootToken) : undefined;
  }

  /** A token by id: kept by the lease holder, read from the database by any other process (minted or revoked by the holder). */
  private async token(id: string): Promise<OperatorDoc | undefined> {
    if (this.may()) return this.byId.get(id);
    return (await this.tokens.findOne({ _id: id })) ?? undefined;
  }

  /** Without a root token every request is an operator's (development only). */
  get open(): boolean {
    return !this.root;
  }

  /** Reads every token (at start, and when this process takes the lease). */
  async init(): Promise<void> {
    const docs = await this.tokens.find({}).toArray();
    this.byId.clear();
    for (const doc of docs) this.byId.set(doc._id, doc);
  }

  /** The operator an Authorization header proves, or null. */
  async authenticate(authorization: string | undefined): Promise<Operator> {
    if (this.open) return DEVELOPMENT;
    const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!bearer) return null;
    const minted = TOKEN.exec(bearer);
    if (minted) {
      const doc = await this.token(minted[1]!);
      return doc && timingSafeEqual(digest(minted[2]!), Buffer.from(doc.digest, 'hex')) ? { name: doc.name, token: doc._id } : null;
    }
    return timingSafeEqual(digest(bearer), this.root!) ? { name: 'root', token: 'root' } : null;
  }

  /**
   * The gateway's question (`POST /operators/verify`, signed): which operator does this
   * Authorization header prove? The token travels in the signed body, not in a header the
   * signature does not cover.
   */
  async verify(body: unknown): Promise<{ operator: Operator }> {
    const authorization = (body as { authorization?: unknown } | null)?.authorization;
    if (typeof authorization !== 'string') throw aikiError('BAD_USER_INPUT', 'expected {"authorization": "Bearer <token>"}', { field: 'authorization' });
    return { operator: await this.authenticate(authorization) };
  }

  /**
   * The operator a signed `x-aiki-operator` claim names, or null. Only for a request whose
   * signature covered the claim (runtime/http.ts checks it before any context is made): the claim
   * is the gateway's word. Its token must still be live here — revoked, it names nobody.
   */
  async fromClaim(claim: string): Promise<Operator> {
    const claimed = parseOperatorClaim(claim);
    if (!claimed) return null;
    if (this.open) return claimed;
    if (claimed.token === 'root') return { name: 'root', token: 'root' };
    const doc = await this.token(claimed.token);
    return doc ? { name: doc.name, token: doc._id } : null;
  }

  async create(name: string, by: string): Promise<{ id: string; name: string; token: string }> {
    if (!NAME.test(name)) throw aikiError('BAD_USER_INPUT', 'name must be 1–64 letters, digits, spaces or ._@-', { field: 'name' });
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('hex');
    const doc: OperatorDoc = { _id: id, name, digest: digest(secret).toString('hex'), createdAt: new Date(), createdBy: by };
    await this.tokens.insertOne(doc);
    this.byId.set(id, doc);
    return { id, name, token: `aiki_${id}_${secret}` };
  }

  async revoke(id: string): Promise<boolean> {
    const { deletedCount } = await this.tokens.deleteOne({ _id: id });
    return this.byId.delete(id) || deletedCount > 0;
  }
}

/** Throws UNAUTHENTICATED unless `operator` is set. */
export function requireOperator(operator: Operator, what: string): { name: string } {
  if (!operator)
    throw aikiError(
      'UNAUTHENTICATED',
      `${what} needs operator credentials: send Authorization: Bearer <token> (AIKI_OPERATOR_TOKEN or one from createOperatorToken)`,
    );
  return operator;
}
