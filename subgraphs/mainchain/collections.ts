/** Every storage name of the main chain, in one place. */
export const COLLECTIONS = {
  /** The registry: one document per municipality, `_id` = its code. */
  municipalities: 'municipalities',
} as const;
