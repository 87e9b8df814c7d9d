/** Pure ledger rules, no I/O. The public door of `core/`. */
export * from './errors.ts';
export * from './municipality.ts';
export * from './bytes.ts';
export * from './canonical.ts';
export * from './ed25519.ts';
export * from './address.ts';
export * from './transaction.ts';
export * from './merkle.ts';
export * from './poh.ts';
export * from './block.ts';
export * from './proof.ts';
export * from './anchor.ts';
export * from './settlement.ts';
export * from './trace.ts';
export * from './governance.ts';
