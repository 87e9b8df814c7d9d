/** The registry of municipalities: who they are and where their ledger subgraphs answer. */
import { oneBatch } from '../../db/mongo.ts';
import { MongoServerError, type Collection, type Db } from 'mongodb';
import { aikiError } from '../../core/errors.ts';
import { assertMunicipalityCode, splitLedgerId } from '../../core/municipality.ts';
import { checkLedgerEndpoint } from '../../schema/index.ts';
import type { MunicipalityStatus } from '../../schema/generated/mainchain.ts';
import { COLLECTIONS } from './collections.ts';

export interface MunicipalityDoc {
  _id: string;
  code: string;
  name: string;
  status: MunicipalityStatus;
  endpoints: string[];
  registeredAt: Date;
}

export interface RegisterInput {
  code: string;
  name: string;
  endpoints: string[];
}

const MAX_ENDPOINTS = 8;
/** Japan has about 1,741 municipalities; the registry is read whole, in one batch. */
const MAX_MUNICIPALITIES = 10_000;
const MAX_NAME = 100;

export class Registry {
  readonly municipalities: Collection<MunicipalityDoc>;

  constructor(db: Db, private readonly probeTimeoutMs = 3000) {
    this.municipalities = db.collection<MunicipalityDoc>(COLLECTIONS.municipalities);
  }

  async init(): Promise<void> {
    await this.municipalities.createIndex({ registeredAt: 1, _id: 1 }, { name: 'registeredAt' });
  }

  async list(status?: MunicipalityStatus | null): Promise<MunicipalityDoc[]> {
    return this.municipalities.find(status ? { status } : {}, oneBatch(MAX_MUNICIPALITIES)).sort({ registeredAt: 1, _id: 1 }).toArray();
  }

  async get(code: string): Promise<MunicipalityDoc> {
    assertMunicipalityCode(code);
    const doc = await this.municipalities.findOne({ _id: code });
    if (!doc) throw aikiError('UNKNOWN_MUNICIPALITY', `no municipality "${code}" is registered`, { municipality: code });
    return doc;
  }

  /**
   * Checks a ledger entity id `<municipality>:<local>` — the local part against `local` — and
   * that the municipality is registered. Returns the id unchanged.
   */
  async ledgerId(id: string, local: RegExp, field: string): Promise<string> {
    const parts = splitLedgerId(id, local);
    if (!parts) {
      throw aikiError('BAD_USER_INPUT', `${field} must be "<municipality>:${local.source.replace(/^\^|\$$/g, '')}" (got ${JSON.stringify(id)})`, { field });
    }
    await this.get(parts.municipality);
    return id;
  }

  /**
   * Registers a municipality after checking that every endpoint answers, serves the ledger
   * contract and is this municipality's ledger. Any failure throws a coded error and stores nothing.
   */
  async register(input: RegisterInput): Promise<MunicipalityDoc> {
    const doc = validate(input);
    if (await this.municipalities.findOne({ _id: doc._id }, { projection: { _id: 1 } })) throw exists(doc.code);
    const checks = await Promise.all(doc.endpoints.map((url) => checkLedgerEndpoint(url, doc.code, { timeoutMs: this.probeTimeoutMs })));
    for (const check of checks) if (!check.ok) throw check.error;
    try {
      await this.municipalities.insertOne(doc);
    } catch (err) {
      if (err instanceof MongoServerError && err.code === 11000) throw exists(doc.code);
      throw err;
    }
    return doc;
  }
}

function exists(code: string) {
  return aikiError('MUNICIPALITY_EXISTS', `municipality "${code}" is already registered`, { municipality: code });
}

function validate(input: RegisterInput): MunicipalityDoc {
  const code = assertMunicipalityCode(input.code, 'input.code');
  const name = input.name.trim();
  if (name.length < 1 || name.length > MAX_NAME || /\p{Cc}/u.test(name)) {
    throw aikiError('BAD_USER_INPUT', `input.name must be 1–${MAX_NAME} printable characters`, { field: 'input.name' });
  }
  if (input.endpoints.length < 1 || input.endpoints.length > MAX_ENDPOINTS) {
    throw aikiError('BAD_USER_INPUT', `input.endpoints must list 1–${MAX_ENDPOINTS} URLs`, { field: 'input.endpoints' });
  }
  const endpoints = input.endpoints.map((raw, i) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw aikiError('BAD_USER_INPUT', `input.endpoints[${i}] is not a URL: ${JSON.stringify(raw)}`, { field: `input.endpoints[${i}]` });
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
      throw aikiError('BAD_USER_INPUT', `input.endpoints[${i}] must be an http(s) URL without credentials`, { field: `input.endpoints[${i}]` });
    }
    return url.toString();
  });
  if (new Set(endpoints).size !== endpoints.length) {
    throw aikiError('BAD_USER_INPUT', 'input.endpoints lists a URL twice', { field: 'input.endpoints' });
  }
  return { _id: code, code, name, status: 'ACTIVE', endpoints, registeredAt: new Date() };
}
