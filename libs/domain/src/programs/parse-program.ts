import { problemsFromZod, Validation } from '@referrals/contracts';
import { Program, programSchema } from './program.schema';

/** Validates a program file's parsed JSON, naming every broken rule by its path. */
export function parseProgram(json: unknown): Validation<Program> {
  const result = programSchema.safeParse(json, { reportInput: true });
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, problems: problemsFromZod(result.error) };
}
