/** A flag, a file or an input the command cannot use: exit code 2 with one line on stderr. */
export class UsageError extends Error {}
