import { ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'referrals.js');

export interface BuiltCliRun {
  readonly code: number | null;
  /** Bytes read from stdout. */
  readonly stdout: number;
  readonly stderr: string;
}

/**
 * Runs the built CLI (`npm test` builds first) in a process of its own, as a
 * shell would: what only a real process shows (its pipes, whether it exits).
 * `closeAfterFirstChunk` closes stdout after the first chunk, as `| head` does.
 */
export function runBuiltCli(
  args: string[],
  {
    env = {},
    closeAfterFirstChunk = false,
    stdin = 'ignore',
  }: {
    env?: NodeJS.ProcessEnv;
    closeAfterFirstChunk?: boolean;
    /** What its standard input is: nothing, or an open file descriptor (`< file`). */
    stdin?: 'ignore' | number;
  } = {},
): Promise<BuiltCliRun> {
  // Typed as piped: `stdin` is a variable, so spawn's overloads cannot see stdout and stderr are pipes.
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: [stdin, 'pipe', 'pipe'],
  }) as ChildProcessByStdio<null, Readable, Readable>;
  let stdout = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.length;
    if (closeAfterFirstChunk) child.stdout.destroy();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
