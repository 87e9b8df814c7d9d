/** Pure ledger rules, no I/O. The public door of `core/`. */
export * from './errors.ts';
export * from './municipality.ts';
