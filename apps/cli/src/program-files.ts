import { readFileSync } from 'node:fs';
import { describeProblems } from '@referrals/contracts';
import { parseProgram, Program, ProgramRegistry } from '@referrals/domain';
import { withoutByteOrderMark } from './history/byte-order-mark';
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
    json = JSON.parse(withoutByteOrderMark(text));
  } catch (error) {
    throw new ProgramFileError(`program file ${path}: ${(error as Error).message}`);
  }
  const parsed = parseProgram(json);
  if (!parsed.ok)
    throw new ProgramFileError(`program file ${path}: ${describeProblems(parsed.problems)}`);
  return parsed.value;
}
