// House rules a machine can check: core/ and sim/ stay deterministic and platform-free,
// and imports only point down the layers (ARCHITECTURE.md). Each finding names the
// file, the line and what to use instead.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

function sourceFiles(dir: string): string[] {
  const abs = join(root, dir);
  let names: string[];
  try {
    names = readdirSync(abs);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return sourceFiles(relative(root, path));
    return /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** Source lines without comments, so that a comment may mention what the code may not use. */
function codeLines(source: string): Array<{ line: number; text: string }> {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "));
  return text.split("\n").map((t, i) => ({ line: i + 1, text: t.replace(/(^|[^:"'`])\/\/.*$/, "$1") }));
}

/** `raw` patterns look inside string literals too (import paths); the rest ignore strings. */
const BANNED: ReadonlyArray<{ pattern: RegExp; instead: string; raw?: boolean }> = [
  { pattern: /\bMath\.random\b/, instead: "a named random stream of the simulation (seeded)" },
  { pattern: /\bDate\b/, instead: "the simulation's virtual clock" },
  { pattern: /\bperformance\s*\.\s*now\b/, instead: "the simulation's virtual clock (wall clock only in bench/)" },
  {
    pattern: /\b(setTimeout|setInterval|setImmediate|queueMicrotask|requestAnimationFrame)\b/,
    instead: "the simulation's scheduler",
  },
  {
    pattern: /from\s+["']node:|\brequire\(|import\(\s*["']node:/,
    instead: "an interface handed in by cli/ or viz/",
    raw: true,
  },
  {
    pattern:
      /(?<![.\w])(window|document|navigator|localStorage|sessionStorage)\s*[.[]|(?<![.\w])fetch\s*\(|\bXMLHttpRequest\b/,
    instead: "an interface handed in by viz/",
  },
  {
    pattern: /\bcrypto\s*\.\s*(getRandomValues|randomUUID|subtle)\b/,
    instead: "the CryptoBackend interface and seeded streams",
  },
];

const LAYERS: Record<string, readonly string[]> = {
  core: ["sim", "scenarios", "http", "cli", "viz", "test", "bench"],
  sim: ["scenarios", "http", "cli", "viz", "test", "bench"],
  scenarios: ["http", "cli", "viz", "test", "bench"],
  // The HTTP front end (real clients over HTTP) sits between scenarios/ and cli/.
  http: ["cli", "viz", "test", "bench"],
  // The web view is the CLI's sibling: it uses sim/, scenarios/ and core/, never cli/ or http/.
  viz: ["cli", "http", "test", "bench"],
};

/**
 * Inside scenarios/: the runner knows no particular scenario and no generator; the
 * shipped scenarios and the generators build on the runner, not on each other.
 */
const SCENARIO_PARTS: Record<string, readonly string[]> = {
  "scenarios/runner": ["scenarios/shipped", "scenarios/generators"],
  "scenarios/shipped": ["scenarios/generators"],
  "scenarios/generators": ["scenarios/shipped"],
};

/** The line with the contents of its string literals blanked out. */
function withoutStrings(text: string): string {
  return text.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, (s) => s[0] + " ".repeat(Math.max(0, s.length - 2)) + s[0]);
}

function bannedUse(text: string): string | undefined {
  const code = withoutStrings(text);
  const hit = BANNED.find((b) => b.pattern.test(b.raw ? text : code));
  return hit ? `${text.trim()}  → use ${hit.instead}` : undefined;
}

function findings(dirs: readonly string[], check: (file: string, text: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const dir of dirs) {
    for (const file of sourceFiles(dir)) {
      for (const { line, text } of codeLines(readFileSync(file, "utf8"))) {
        const problem = check(file, text);
        if (problem) out.push(`${relative(root, file)}:${line}: ${problem}`);
      }
    }
  }
  return out;
}

/**
 * Each layer's front door (ARCHITECTURE.md): code outside a layer imports only this file
 * of it. sim/trace.ts is the one exception, for `import type` only: the trace's records
 * are the contract viz/'s view model reads without pulling in the engine.
 */
const FRONT_DOORS: Record<string, { door: string; typesAlsoFrom?: string }> = {
  core: { door: "core/index.ts" },
  sim: { door: "sim/index.ts", typesAlsoFrom: "sim/trace.ts" },
  http: { door: "http/index.ts" },
};
/** Folders held to the front doors; test/ may import anything. */
const OUTSIDE_DIRS = ["core", "sim", "scenarios", "http", "cli", "viz", "bench", "examples"];

/** Every relative import or re-export in a file (multi-line ones too), with its line and whether it is type-only. */
function importsOf(source: string): Array<{ line: number; spec: string; typeOnly: boolean }> {
  const code = codeLines(source)
    .map((l) => l.text)
    .join("\n");
  const out: Array<{ line: number; spec: string; typeOnly: boolean }> = [];
  const statement =
    /\b(?:import|export)\s+(type\s+)?([^;"'`]*?)\bfrom\s*["'](\.[^"']*)["']|\bimport\(\s*["'](\.[^"']*)["']/g;
  for (const m of code.matchAll(statement)) {
    const names = m[2] ?? "";
    const allInlineTypes =
      /^\{[^}]*\}$/.test(names.trim()) &&
      names
        .replace(/[{}\s]/g, "")
        .split(",")
        .filter(Boolean)
        .every((n) => n.startsWith("type"));
    out.push({
      line: code.slice(0, m.index).split("\n").length,
      spec: (m[3] ?? m[4])!,
      typeOnly: m[1] !== undefined || (m[3] !== undefined && allInlineTypes),
    });
  }
  return out;
}

/** What is wrong with `file`'s imports of other layers' files, each with what to import instead. */
function frontDoorProblems(file: string, source: string): string[] {
  const from = relative(root, file);
  const layer = from.split(/[\\/]/)[0]!;
  return importsOf(source).flatMap(({ line, spec, typeOnly }) => {
    const target = relative(root, join(file, "..", spec))
      .split(/[\\/]/)
      .join("/");
    const targetLayer = target.split("/")[0]!;
    const rule = FRONT_DOORS[targetLayer];
    if (!rule || targetLayer === layer || target === rule.door) return [];
    if (typeOnly && target === rule.typesAlsoFrom) return [];
    const door = relative(join(file, ".."), join(root, rule.door)).split(/[\\/]/).join("/");
    return [`${from}:${line}: imports ${target} → import it from "${door.startsWith(".") ? door : `./${door}`}"`];
  });
}

/** The relative imports of each file under `dir` (type-only imports count: they tie files too). */
function importGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(dir)) {
    const targets: string[] = [];
    for (const { text } of codeLines(readFileSync(file, "utf8"))) {
      const m = /(?:from|import)\s*\(?\s*["'](\.[^"']*)["']/.exec(text);
      if (m) targets.push(relative(root, join(file, "..", m[1]!)));
    }
    graph.set(relative(root, file), targets);
  }
  return graph;
}

/**
 * Every import cycle, one per strongly connected component (Tarjan's algorithm, with an
 * explicit stack), each shown as a path through the cycle that ends where it starts.
 */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const edges = (f: string) => (graph.get(f) ?? []).filter((t) => graph.has(t));
  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) continue;
    const work: Array<{ file: string; next: number }> = [{ file: start, next: 0 }];
    index.set(start, index.size);
    low.set(start, index.get(start)!);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const out = edges(top.file);
      if (top.next < out.length) {
        const to = out[top.next++]!;
        if (!index.has(to)) {
          index.set(to, index.size);
          low.set(to, index.get(to)!);
          stack.push(to);
          onStack.add(to);
          work.push({ file: to, next: 0 });
        } else if (onStack.has(to)) low.set(top.file, Math.min(low.get(top.file)!, index.get(to)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.file;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.file)!));
      }
      if (low.get(top.file) !== index.get(top.file)) continue;
      const component: string[] = [];
      let f: string;
      do {
        f = stack.pop()!;
        onStack.delete(f);
        component.push(f);
      } while (f !== top.file);
      const selfLoop = edges(top.file).includes(top.file);
      if (component.length > 1 || selfLoop) components.push(component.sort());
    }
  }
  return components.map((c) => cyclePath(c, edges));
}

/** A closed path from the component's first file back to itself (breadth-first). */
function cyclePath(component: readonly string[], edges: (f: string) => string[]): string[] {
  const inside = new Set(component);
  const first = component[0]!;
  const from = new Map<string, string>();
  const queue = [first];
  for (let i = 0; i < queue.length; i++) {
    for (const to of edges(queue[i]!)) {
      if (!inside.has(to)) continue;
      if (to === first) {
        const path = [first];
        for (let at: string | undefined = queue[i]; at !== undefined && at !== first; at = from.get(at))
          path.splice(1, 0, at);
        return [...path, first];
      }
      if (!from.has(to)) {
        from.set(to, queue[i]!);
        queue.push(to);
      }
    }
  }
  return [...component];
}

describe("tidy", () => {
  // scenarios/ runs in the browser's worker as well as in Node: the same rules hold there.
  it("core/, sim/ and scenarios/ use no wall clock, chance, timers, platform modules or DOM", () => {
    const problems = findings(["core", "sim", "scenarios"], (_file, text) => bannedUse(text));
    expect(problems).toEqual([]);
  });

  // The view model and the engine driver run in Node tests as well as in the browser, and
  // the view model must be a pure function of the trace.
  it("viz/model/ and viz/engine/ are as platform-free as sim/", () => {
    const problems = findings(["viz/model", "viz/engine"], (_file, text) => bannedUse(text));
    expect(problems).toEqual([]);
  });

  it("viz/ draws its layouts from seeded streams, never Math.random", () => {
    const problems = findings(["viz"], (_file, text) =>
      /\bMath\.random\b/.test(withoutStrings(text))
        ? `${text.trim()}  → use a seeded stream (sim/random.ts)`
        : undefined,
    );
    expect(problems).toEqual([]);
  });

  it("imports only point down the layers", () => {
    const problems = findings(Object.keys(LAYERS), (file, text) => {
      const m = /(?:from|import)\s*\(?\s*["'](\.[^"']*)["']/.exec(text);
      if (!m) return undefined;
      const layer = relative(root, file).split(/[\\/]/)[0]!;
      const target = relative(root, join(file, "..", m[1]!)).split(/[\\/]/)[0]!;
      return LAYERS[layer]!.includes(target) ? `${layer}/ imports ${target}/ (${m[1]})` : undefined;
    });
    expect(problems).toEqual([]);
  });

  it("scenarios/'s runner, shipped scenarios and generators import only what they build on", () => {
    const problems = findings(Object.keys(SCENARIO_PARTS), (file, text) => {
      const m = /(?:from|import)\s*\(?\s*["'](\.[^"']*)["']/.exec(text);
      if (!m) return undefined;
      const part = relative(root, file).split(/[\\/]/).slice(0, 2).join("/");
      const target = relative(root, join(file, "..", m[1]!))
        .split(/[\\/]/)
        .slice(0, 2)
        .join("/");
      return SCENARIO_PARTS[part]!.includes(target) ? `${part}/ imports ${target}/ (${m[1]})` : undefined;
    });
    expect(problems).toEqual([]);
  });

  it("code outside core/ and sim/ enters them only by their front doors (core/index.ts, sim/index.ts)", () => {
    const problems = OUTSIDE_DIRS.flatMap((dir) =>
      sourceFiles(dir).flatMap((file) => frontDoorProblems(file, readFileSync(file, "utf8"))),
    );
    expect(problems).toEqual([]);
  });

  it("sees a back-door import, multi-line or not, but lets trace types through (the checker itself works)", () => {
    const file = join(root, "scenarios", "planted.ts");
    const planted = [
      'import { World } from "../sim/index.ts";',
      'import type { TraceRecord } from "../sim/trace.ts";',
      "import {",
      "  buildPartition,",
      '} from "../sim/partitions.ts";',
      'import { traceHash } from "../sim/trace.ts";',
      '// import { x } from "../core/auth/check-auth.ts";',
      'export { stateKey } from "../core/events/state-key.ts";',
    ].join("\n");
    expect(frontDoorProblems(file, planted)).toEqual([
      'scenarios/planted.ts:3: imports sim/partitions.ts → import it from "../sim/index.ts"',
      'scenarios/planted.ts:6: imports sim/trace.ts → import it from "../sim/index.ts"',
      'scenarios/planted.ts:8: imports core/events/state-key.ts → import it from "../core/index.ts"',
    ]);
  });

  // core/ is read bottom-up (ids, JSON, room versions, events, auth, state resolution):
  // a cycle means a base file knows about a file built on it.
  it("core/ has no import cycles", () => {
    const cycles = importCycles(importGraph("core")).map((c) => c.join(" → "));
    expect(cycles).toEqual([]);
  });

  it("finds a planted import cycle, and none in a chain (the cycle check itself works)", () => {
    const planted = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts", "d.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["d.ts"]],
      ["e.ts", ["a.ts"]],
    ]);
    expect(importCycles(planted)).toEqual([
      ["d.ts", "d.ts"],
      ["a.ts", "b.ts", "c.ts", "a.ts"],
    ]);
    expect(
      importCycles(
        new Map([
          ["a.ts", ["b.ts"]],
          ["b.ts", ["c.ts"]],
          ["c.ts", []],
        ]),
      ),
    ).toEqual([]);
  });

  it("sees a planted violation in code but not in a comment (the checker itself works)", () => {
    const planted =
      "const a = Math.random(); /* Date */\n// setTimeout is fine to mention\nimport { x } from 'node:fs';";
    const hits = codeLines(planted).map(({ text }) => bannedUse(text));
    expect(hits.map((h) => h?.split("→")[1]?.trim())).toEqual([
      "use a named random stream of the simulation (seeded)",
      undefined,
      "use an interface handed in by cli/ or viz/",
    ]);
  });
});
