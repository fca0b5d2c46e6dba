/**
 * How the CLI writes for its reader: colour and progress only for a person at
 * a terminal; plain text in a pipe or when NO_COLOR is set (https://no-color.org).
 */
export interface Terminal {
  /** Colour codes are welcome on stdout. */
  readonly color: boolean;
  /** A progress bar can be drawn on stderr. */
  readonly progress: boolean;
  /** The width tables must fit. */
  readonly columns: number;
}

/** Tables fit 100 columns, a terminal narrower than that, and never less than 60. */
export const TABLE_WIDTH = 100;

export function detectTerminal(
  env: NodeJS.ProcessEnv = process.env,
  stdout: { isTTY?: boolean; columns?: number } = process.stdout,
  stderr: { isTTY?: boolean } = process.stderr,
): Terminal {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return {
    color: stdout.isTTY === true && !noColor,
    progress: stderr.isTTY === true,
    columns: Math.max(60, Math.min(TABLE_WIDTH, stdout.isTTY ? (stdout.columns ?? 100) : 100)),
  };
}
