import { formatPath } from './problems';

/** Keys that reach an object's prototype when a parsed body is merged into another object. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** What the API and the replay say of such a key. */
export const FORBIDDEN_KEY_RULE = 'is a forbidden key (it could reach an object prototype)';

interface Visit {
  readonly value: unknown;
  readonly key?: PropertyKey;
  readonly parent?: Visit;
}

/**
 * The path of the first key of a parsed JSON value that could pollute a
 * prototype, or undefined. `JSON.parse` makes such keys plain own properties;
 * the danger is in what later code does with them, so they are refused at the
 * door. (Fastify's secure-json-parse refuses `__proto__` and
 * `constructor.prototype` too, but cannot say where, and lets a bare
 * `prototype` through.) Walked with a stack of its own and parent links (the
 * path is built only when found): a deeply nested body costs linear time and
 * no call stack.
 */
export function forbiddenKeyPath(value: unknown): string | undefined {
  const pending: Visit[] = [{ value }];
  while (pending.length > 0) {
    const visit = pending.pop()!;
    const node = visit.value;
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--)
        pending.push({ value: node[i], key: i, parent: visit });
      continue;
    }
    const keys = Object.keys(node);
    const forbidden = keys.find((key) => FORBIDDEN.has(key));
    if (forbidden !== undefined) return formatPath([...pathTo(visit), forbidden]);
    for (let i = keys.length - 1; i >= 0; i--)
      pending.push({
        value: (node as Record<string, unknown>)[keys[i]],
        key: keys[i],
        parent: visit,
      });
  }
  return undefined;
}

function pathTo(visit: Visit): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let v: Visit | undefined = visit; v?.key !== undefined; v = v.parent) path.push(v.key);
  return path.reverse();
}
