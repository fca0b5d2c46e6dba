import { join } from 'node:path';
import { main } from '../main';
import type { Terminal } from '../output/terminal';

export const PLAIN: Terminal = { color: false, progress: false, columns: 100 };

/** An example history or program file of the repository. */
export const example = (kind: 'histories' | 'programs', name: string) =>
  join(__dirname, '..', '..', '..', '..', 'examples', kind, name);

/** Runs the CLI in this process as a pipe would see it: exit code, stdout and stderr. */
export async function runCli(
  args: string[],
  terminal: Terminal = PLAIN,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk, ...rest) => {
    stdout += String(chunk);
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    done?.();
    return true;
  });
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'referrals', ...args], () => new Date(), terminal);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
