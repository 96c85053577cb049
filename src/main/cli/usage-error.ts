/** A bad command line the parser could not catch (a value out of range for the console). Exit code 2. */
export class UsageError extends Error {}
