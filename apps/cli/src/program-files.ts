import { readFileSync } from 'node:fs';
import { describeProblems } from '@referrals/contracts';
import { parseProgram, Program, ProgramRegistry } from '@referrals/domain';
import { describeFsError } from './history/history-input';

export class ProgramFileError extends Error {}

/** The built-in programs plus program files, each adding a program or replacing one by id. */
export function loadPrograms(files: readonly string[] = []): ProgramRegistry {
  return ProgramRegistry.withBuiltins(files.map(readProgramFile));
}

function readProgramFile(path: string): Program {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ProgramFileError(`--program-file ${path}: ${describeFsError(error)}`);
  }
  let json: unknown;
  try {
    // A UTF-8 byte order mark, as some editors write, is ignored (RFC 8259, 8.1).
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new ProgramFileError(`program file ${path}: ${(error as Error).message}`);
  }
  const parsed = parseProgram(json);
  if (!parsed.ok)
    throw new ProgramFileError(`program file ${path}: ${describeProblems(parsed.problems)}`);
  return parsed.value;
}
