import type { z } from 'zod';

/** One rule an input broke: `path` names the field (`data.amount`, `[2].type`), `rule` says what it must be. */
export interface Problem {
  readonly path: string;
  readonly rule: string;
}

/**
 * A key that reads as a name is written as is; any other (an unknown key of
 * the input: empty, with spaces, a line break, a control character) is
 * quoted, so that a path is one line and shows the key exactly.
 */
const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && !PLAIN_KEY.test(key)) out += `[${JSON.stringify(key)}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(event)';
}

/** Turns zod's issues into `field: rule` problems; each unknown key is named on its own. */
export function problemsFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...path, key]), rule: 'unknown key' }));
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      return [{ path: formatPath(path), rule: 'is required' }];
    }
    return [{ path: formatPath(path), rule: issue.message }];
  });
}

export function prefixProblems(problems: readonly Problem[], prefix: string): Problem[] {
  return problems.map((p) => ({
    path:
      p.path === '(event)'
        ? prefix
        : p.path.startsWith('[')
          ? `${prefix}${p.path}`
          : `${prefix}.${p.path}`,
    rule: p.rule,
  }));
}

export const describeProblem = (p: Problem) => `${p.path}: ${p.rule}`;
export const describeProblems = (problems: readonly Problem[]) =>
  problems.map(describeProblem).join('; ');

/**
 * An error answer of the HTTP API (RFC 9457, `application/problem+json`), one
 * shape on every route: `type` names the kind of problem, `title` says it in a
 * few words, `status` repeats the HTTP status, `detail` explains this
 * occurrence and `problems` lists each rule the input broke, by path.
 */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly problems?: readonly Problem[];
}
