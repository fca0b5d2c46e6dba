import {
  FORBIDDEN_KEY_RULE,
  forbiddenKeyPath,
  problemsFromZod,
  Validation,
} from '@referrals/contracts';
import { Program, programSchema } from './program.schema';

/**
 * Validates a program file's parsed JSON, naming every broken rule by its
 * path. A key that could reach an object prototype is refused first, as in
 * an event: zod's strict objects let an own `__proto__` by.
 */
export function parseProgram(json: unknown): Validation<Program> {
  const forbidden = forbiddenKeyPath(json);
  if (forbidden !== undefined)
    return { ok: false, problems: [{ path: forbidden, rule: FORBIDDEN_KEY_RULE }] };
  const result = programSchema.safeParse(json, { reportInput: true });
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, problems: problemsFromZod(result.error) };
}
