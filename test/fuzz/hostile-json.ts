// Near-valid JSON for the fuzz targets: a valid document with one leaf replaced by a
// value a parser must refuse or a run must survive (a float, 2^53, a lone surrogate, a
// number of 1e300, a wrong type).

export const HOSTILE_JSON = [
  "1.5",
  "9007199254740992",
  "-1",
  "1e300",
  "-1e300",
  '"\\ud800"',
  '""',
  "null",
  "[]",
  "{}",
  "true",
  '"x"',
  "0",
];

/** Replace the `pick`-th leaf (in a fixed walk) of a JSON value by raw JSON text. */
export function withLeafReplaced(value: unknown, pick: number, raw: string): string {
  const leaves: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v))
      v.forEach((x, i) => (typeof x === "object" && x !== null ? walk(x) : leaves.push({ parent: v, key: i })));
    else if (typeof v === "object" && v !== null)
      for (const [k, x] of Object.entries(v))
        if (typeof x === "object" && x !== null) walk(x);
        else leaves.push({ parent: v as Record<string, unknown>, key: k });
  };
  walk(value);
  if (leaves.length === 0) return JSON.stringify(value);
  const leaf = leaves[pick % leaves.length]!;
  (leaf.parent as Record<string | number, unknown>)[leaf.key] = "@@LEAF@@";
  return JSON.stringify(value).replace('"@@LEAF@@"', raw);
}

/**
 * Replace the `pick`-th node below the root (a leaf, an object or an array, in a fixed walk)
 * by raw JSON text, or remove it when `raw` is undefined: `content: null`, an event
 * without `prev_events`, `events: 1.5`.
 */
export function withNodeReplaced(value: unknown, pick: number, raw: string | undefined): string {
  const nodes: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== "object" || v === null) continue;
    for (const [k, x] of Object.entries(v)) {
      nodes.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(k) : k });
      stack.push(x);
    }
  }
  if (nodes.length === 0) return JSON.stringify(value);
  const node = nodes[pick % nodes.length]!;
  if (raw === undefined) {
    if (Array.isArray(node.parent)) node.parent.splice(node.key as number, 1);
    else delete node.parent[node.key as string];
    return JSON.stringify(value);
  }
  (node.parent as Record<string | number, unknown>)[node.key] = "@@NODE@@";
  return JSON.stringify(value).replace('"@@NODE@@"', raw);
}
