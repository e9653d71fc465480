// The DAG as a server held it at a seq: outcomes, forward extremities, layout by depth,
// from hand-made records.
import { describe, expect, it } from "vitest";
import { dagAt, newestRows } from "../../viz/model/dag.ts";
import { extremityLabels } from "../../viz/model/dag-geometry.ts";
import { dagsToSvg } from "../../viz/model/dag-svg.ts";
import { TraceModel } from "../../viz/model/trace-model.ts";
import { Records, stored, summary } from "./records.ts";

/** create → a → (b | c) → d merging b and c, on hs1; hs2 holds a as an outlier. */
function forkAndMerge(): Records {
  const r = new Records().start(["hs1", "hs2"]);
  r.add(
    stored("pdu.created", "hs1", "$create", summary({ type: "m.room.create", stateKey: "", prevEvents: [], depth: 1 })),
  );
  r.add(stored("pdu.created", "hs1", "$a", summary({ prevEvents: ["$create"], depth: 2 })));
  r.add(stored("pdu.created", "hs1", "$b", summary({ prevEvents: ["$a"], depth: 3, originServerTs: 1 })));
  r.add(
    stored(
      "pdu.accepted",
      "hs1",
      "$c",
      summary({ prevEvents: ["$a"], depth: 3, originServerTs: 2, sender: "@bob:hs2" }),
    ),
  );
  r.add(stored("pdu.outlier", "hs2", "$a", summary({ prevEvents: ["$create"], depth: 2 })));
  r.add(stored("pdu.created", "hs1", "$d", summary({ prevEvents: ["$b", "$c"], depth: 4 })));
  return r;
}

function logOf(records: Records, server = "hs1") {
  return new TraceModel(records.list).dags.get("!r:hs1")!.get(server)!;
}

describe("dagAt", () => {
  it("shows a fork as two heads, and the merge as one", () => {
    const r = forkAndMerge();
    const log = logOf(r);
    const beforeMerge = dagAt(log, 4);
    expect(beforeMerge.extremities).toEqual(["$b", "$c"]);
    expect(beforeMerge.width).toBe(2);
    const after = dagAt(log, 6);
    expect(after.extremities).toEqual(["$d"]);
    expect(after.nodes.map((n) => n.id)).toEqual(["$create", "$a", "$b", "$c", "$d"]);
    expect(after.edges.map((e) => e.id).sort()).toEqual(["$a>$create", "$b>$a", "$c>$a", "$d>$b", "$d>$c"]);
  });

  it("lays events out by depth, the fork's branches side by side, the merge between them", () => {
    const dag = dagAt(logOf(forkAndMerge()), 6);
    const at = Object.fromEntries(dag.nodes.map((n) => [n.id, [n.row, n.col]]));
    expect(at).toEqual({ $create: [0, 0], $a: [1, 0], $b: [2, 0], $c: [2, 1], $d: [3, 1] });
    expect(dag.rows).toBe(4);
    expect(dag.columns).toBe(2);
  });

  it("is the DAG as it stood: later events and later outcomes are not shown", () => {
    const dag = dagAt(logOf(forkAndMerge()), 3);
    expect(dag.nodes.map((n) => n.id)).toEqual(["$create", "$a", "$b"]);
    expect(dagAt(logOf(forkAndMerge()), -1).nodes).toEqual([]);
  });

  it("colours by outcome; soft-failed, rejected and outlier events are never forward extremities", () => {
    const r = new Records().start(["hs1"]);
    r.add(stored("pdu.created", "hs1", "$create", summary({ prevEvents: [], depth: 1 })));
    r.add(stored("pdu.soft_failed", "hs1", "$soft", summary({ prevEvents: ["$create"], depth: 2 })));
    r.add(stored("pdu.rejected", "hs1", "$bad", summary({ prevEvents: ["$create"], depth: 2 })));
    r.add(stored("pdu.outlier", "hs1", "$out", summary({ prevEvents: [], depth: 5 })));
    const dag = dagAt(logOf(r), 10);
    expect(Object.fromEntries(dag.nodes.map((n) => [n.id, n.status]))).toEqual({
      $create: "accepted",
      $soft: "soft_failed",
      $bad: "rejected",
      $out: "outlier",
    });
    // $create is cited only by events that were not accepted: it stays the one head.
    expect(dag.extremities).toEqual(["$create"]);
    expect(dag.counts).toEqual({ accepted: 1, soft_failed: 1, rejected: 1, outlier: 1 });
    expect(dag.nodes.find((n) => n.id === "$soft")!.reason).toBe("rule 9");
  });

  it("follows an event's outcome over time (an outlier later accepted) and redactions", () => {
    const r = new Records().start(["hs1"]);
    r.add(stored("pdu.outlier", "hs1", "$e", summary({ prevEvents: [], depth: 1 })));
    r.add(stored("pdu.accepted", "hs1", "$e", summary({ prevEvents: [], depth: 1 })));
    r.add({ kind: "pdu.redacted", server: "hs1", room: "!r:hs1", event: "$e", by: "$x" });
    const log = logOf(r);
    expect(dagAt(log, 1).nodes[0]).toMatchObject({ status: "outlier", extremity: false, redacted: false });
    expect(dagAt(log, 2).nodes[0]).toMatchObject({ status: "accepted", extremity: true, redacted: false });
    expect(dagAt(log, 3).nodes[0]).toMatchObject({ redacted: true });
  });

  it("keeps a late joiner's history compact: empty depths take no row", () => {
    const r = new Records().start(["hs1"]);
    r.add(stored("pdu.outlier", "hs1", "$old", summary({ prevEvents: [], depth: 3 })));
    r.add(stored("pdu.created", "hs1", "$new", summary({ prevEvents: ["$gone"], depth: 90 })));
    const dag = dagAt(logOf(r), 10);
    expect(dag.nodes.map((n) => n.row)).toEqual([0, 1]);
    expect(dag.edges).toEqual([]); // $gone is not held
  });

  it("shows the newest rows of a long room", () => {
    const r = new Records().start(["hs1"]);
    let prev: string[] = [];
    for (let i = 1; i <= 10; i++) {
      r.add(stored("pdu.created", "hs1", `$e${i}`, summary({ prevEvents: prev, depth: i })));
      prev = [`$e${i}`];
    }
    const shown = newestRows(dagAt(logOf(r), 100), 3);
    expect(shown.nodes.map((n) => [n.id, n.row])).toEqual([
      ["$e8", 0],
      ["$e9", 1],
      ["$e10", 2],
    ]);
    expect(shown.edges.map((e) => e.id)).toEqual(["$e9>$e8", "$e10>$e9"]);
  });

  it("labels side-by-side heads once per row, and exports every node as SVG", () => {
    const dag = dagAt(logOf(forkAndMerge()), 4);
    const labels = extremityLabels(dag);
    expect(labels).toHaveLength(1);
    expect(labels[0]!.text).toBe("b message · c message");
    const svg = dagsToSvg([dag, dagAt(logOf(forkAndMerge(), "hs2"), 10)], "fork <&>");
    expect(svg.match(/<circle /g)).toHaveLength(4 + 1);
    expect(svg).toContain("<title>fork &lt;&amp;&gt;</title>");
    expect(svg).toContain("hs1 · width 2");
    expect(svg).toContain('stroke="#1f4fd1"');
  });
});

describe("newestRows", () => {
  /** A room of `rows` rows, `width` events per row. */
  function wide(rows: number, width: number) {
    const r = new Records().start(["hs1"]);
    let prev: string[] = [];
    for (let d = 1; d <= rows; d++) {
      const ids = Array.from({ length: width }, (_, i) => `$r${d}c${i}`);
      for (const id of ids) r.add(stored("pdu.created", "hs1", id, summary({ prevEvents: prev, depth: d })));
      prev = ids;
    }
    return dagAt(new TraceModel(r.list).dags.get("!r:hs1")!.get("hs1")!, 1e9);
  }

  it("keeps to an event budget, and moves its window on in steps", () => {
    const shownRows = (rows: number) => newestRows(wide(rows, 12), 160, 20, 200).rows;
    // 200 events of 12 per row: 16 rows at most; steps of 8 rows (half of that) at most.
    for (const rows of [17, 20, 24, 25, 31, 40]) {
      const n = shownRows(rows);
      expect(n, `${rows} rows`).toBeLessThanOrEqual(16);
      expect(n, `${rows} rows`).toBeGreaterThan(8);
    }
    // Between steps the window keeps its first row: new rows add, nothing moves.
    expect(20 - shownRows(20)).toBe(23 - shownRows(23));
    expect(25 - shownRows(25)).toBeGreaterThan(23 - shownRows(23));
    expect(newestRows(wide(10, 12), 160, 20, 200).rows).toBe(10);
    expect(newestRows(wide(3, 500), 160, 20, 200).rows).toBe(1);
  });
});
