// The functions with the most self time in a V8 CPU profile, as table rows: share of
// samples, milliseconds, and where each function lives. GC shows under V8's own name,
// "(garbage collector)". Also a command: `npx tsx bench/engine-profile-top.ts <file> [n]`.

import { readFileSync } from "node:fs";

export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

export function topSelfTime(profile: CpuProfile, count: number): Array<Record<string, string>> {
  const nameOf = new Map(
    profile.nodes.map(({ id, callFrame: { functionName, url, lineNumber } }) => {
      const file = url.replace(/^.*\//, "");
      return [id, `${functionName || "(anonymous)"}${file ? ` ${file}:${lineNumber + 1}` : ""}`];
    }),
  );
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const key = nameOf.get(id)!;
    const dt = profile.timeDeltas[i] ?? 0;
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
    totalUs += dt;
  });
  return [...selfUs]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([fn, us]) => ({
      "self %": ((100 * us) / totalUs).toFixed(1),
      "self ms": (us / 1000).toFixed(0),
      function: fn,
    }));
}

if (process.argv[1]?.endsWith("engine-profile-top.ts")) {
  const [file, count] = process.argv.slice(2);
  if (!file) {
    console.error("usage: engine-profile-top <file.cpuprofile> [how many]");
    process.exit(2);
  }
  console.table(topSelfTime(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, Number(count ?? 25)));
}
