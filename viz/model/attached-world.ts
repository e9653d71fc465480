// Attaching the web view to a world `netsplit serve` runs (docs/http.md): each poll asks
// the control API for the trace hash first — cheap — and downloads the whole trace
// (JSON Lines) only when it changed, so an idle class's world is not fetched again
// every second. Failures are answers, never exceptions: the page says what went wrong.

import { parseTraceJsonLines, type TraceRecord } from "../../sim/index.ts";

/** The part of `fetch` a poll needs (the page passes the browser's, tests a fake). */
export type FetchLike = (url: string) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export type AttachPoll =
  | { kind: "unchanged" }
  | { kind: "records"; records: TraceRecord[]; traceHash: string | null }
  | { kind: "unreachable"; message: string };

/** The world's base address (`http://127.0.0.1:8008`), or null when `text` is not an http(s) URL. */
export function attachBase(text: string): string | null {
  try {
    const url = new URL(text.trim());
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url.origin;
  } catch {
    return null;
  }
}

export class AttachedWorld {
  /** The hash and record count of the trace last downloaded (null: nothing yet). */
  private seen: string | null = null;

  constructor(
    readonly base: string,
    private readonly fetchFn: FetchLike,
  ) {}

  async poll(): Promise<AttachPoll> {
    try {
      const head = JSON.parse(await this.get("/_netsplit/trace-hash")) as {
        traceHash?: string | null;
        traceRecords?: number;
      };
      const key = `${head.traceHash ?? ""}|${head.traceRecords ?? ""}`;
      if (key === this.seen) return { kind: "unchanged" };
      const records = parseTraceJsonLines(await this.get("/_netsplit/trace"));
      this.seen = key;
      return { kind: "records", records, traceHash: head.traceHash ?? null };
    } catch (e) {
      this.seen = null; // download again once it answers: the page said it was gone
      return {
        kind: "unreachable",
        message: `cannot reach the served world at ${this.base} (${(e as Error).message}) — is \`netsplit serve\` running? retrying…`,
      };
    }
  }

  private async get(path: string): Promise<string> {
    const response = await this.fetchFn(this.base + path);
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    return response.text();
  }
}

/**
 * How the view takes a newly downloaded trace: `append` the records after the ones shown
 * when it extends them (a served world's trace only grows, so the last record shown still
 * in place is enough to tell), else show it afresh; `cursor`: where the cursor goes —
 * the newest record when it was there already (following), else it stays.
 */
export function followAttached(
  shown: readonly TraceRecord[],
  records: readonly TraceRecord[],
  cursorSeq: number,
  canonical: (r: TraceRecord) => string,
): { append: TraceRecord[] | null; cursor: number } {
  const last = shown.length - 1;
  const extendsShown =
    records.length >= shown.length && (last < 0 || canonical(shown[last]!) === canonical(records[last]!));
  if (!extendsShown) return { append: null, cursor: records.length - 1 };
  return { append: records.slice(shown.length), cursor: cursorSeq >= last ? records.length - 1 : cursorSeq };
}
