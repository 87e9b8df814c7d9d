/** The command line is wrong in a way only the command itself can tell: `aiki` exits 2 for it, as for commander's own usage errors. */
export class UsageError extends Error {
  override name = 'UsageError';
}
