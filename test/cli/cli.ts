// Running `netsplit` in the test's own process (fast: no tsx start-up per call), with
// stdout and stderr captured. A few tests spawn the real binary as well, for exit codes
// and stack traces as a user sees them.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vi } from "vitest";
import { main } from "../../cli/main.ts";

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export async function cli(...args: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const status = await main(args);
    return { status, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

export const bin = new URL("../../cli/bin.js", import.meta.url).pathname;

/** The real `netsplit` process. */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): CliResult {
  const r = spawnSync("node", [bin, ...args], { encoding: "utf8", env });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "netsplit-test-"));
}

/** Bad input as the user sees it: exit 2 and one line on stderr naming the problem, no stack trace. */
export function expectOneLineError(r: CliResult, pattern: RegExp): void {
  if (r.status !== 2 || !/^[^\n]+\n$/.test(r.stderr) || !pattern.test(r.stderr) || /\n\s+at /.test(r.stderr)) {
    throw new Error(`expected exit 2 and one line matching ${pattern}, got exit ${r.status}:\n${r.stderr}`);
  }
}
