import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..', '..');

/**
 * Writes a synthetic history of the benchmark's kind (three programs, ~1.5 %
 * duplicates, late arrivals) to `path`: bench/generate-history.mjs, run in a
 * child process (it is an ES module, the tests are CommonJS).
 */
export function writeGeneratedHistory(path: string, events: number): void {
  execFileSync(process.execPath, [
    '--input-type=module',
    '-e',
    `import { generateHistory } from ${JSON.stringify(join(root, 'bench', 'generate-history.mjs'))};
     await generateHistory(${JSON.stringify(path)}, ${events});`,
  ]);
}
