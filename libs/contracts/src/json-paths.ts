import { formatPath } from './problems';

interface Visit {
  readonly value: unknown;
  readonly key?: PropertyKey;
  readonly parent?: Visit;
}

/**
 * The path (as problems write it) of the first object key for which `badKey`
 * holds, or the first string for which `badText` does, in a parsed JSON
 * value; undefined when there is none. An object's keys are looked at before
 * anything inside it. Walked with a stack of its own and parent links (the
 * path is built only when found): a deeply nested value costs linear time and
 * no call stack.
 */
export function firstPathWhere(
  value: unknown,
  badKey: (key: string) => boolean,
  badText: (text: string) => boolean = () => false,
): string | undefined {
  const pending: Visit[] = [{ value }];
  while (pending.length > 0) {
    const visit = pending.pop()!;
    const node = visit.value;
    if (typeof node === 'string') {
      if (badText(node)) return formatPath(pathTo(visit));
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--)
        pending.push({ value: node[i], key: i, parent: visit });
      continue;
    }
    const keys = Object.keys(node);
    const bad = keys.find(badKey);
    if (bad !== undefined) return formatPath([...pathTo(visit), bad]);
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
