// The split of a callgrind count (bench/instruction-split.ts) behind bench:instructions'
// growth phase: the names below are lines of callgrind_annotate's output for a 45k-event
// resolution under valgrind (Node 20's node binary), shortened where the template
// arguments run on.

import { describe, expect, it } from "vitest";
import { categoryOf, splitAnnotation, splitDifference } from "../../bench/instruction-split.ts";

const MARKING =
  "???:void v8::internal::MarkingVisitorBase<v8::internal::MainMarkingVisitor<v8::internal::MarkingState>, v8::internal::MarkingState>::ProcessStrongHeapObject<v8::internal::FullHeapObjectSlot>(v8::internal::HeapObject, v8::internal::FullHeapObjectSlot, v8::internal::HeapObject) [/usr/bin/node]";
const SCAVENGE =
  "???:heap::base::SlotCallbackResult v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot>(v8::internal::FullHeapObjectSlot, v8::internal::HeapObject) [/usr/bin/node]";
const SWEEP =
  "???:v8::internal::Sweeper::RawSweep(v8::internal::Page*, v8::internal::FreeSpaceTreatmentMode, v8::internal::Sweeper::SweepingMode) [/usr/bin/node]";
const BARRIER = "???:Builtins_RecordWriteSaveFP [/usr/bin/node]";
const TURBOFAN = "???:v8::internal::compiler::GraphReducer::ReduceTop() [/usr/bin/node]";
const MAP_LOOKUP = "???:Builtins_FindOrderedHashMapEntry [/usr/bin/node]";
const JIT_CODE = "???:0x000000000d04c7d4 [???]";
const REHASH =
  "???:v8::internal::OrderedHashTable<v8::internal::OrderedHashMap, 2>::Rehash(v8::internal::Isolate*, v8::internal::Handle<v8::internal::OrderedHashMap>, int) [/usr/bin/node]";
const MEMCPY =
  "./string/../sysdeps/x86_64/multiarch/memmove-vec-unaligned-erms.S:__memcpy_avx_unaligned_erms [/usr/lib/x86_64-linux-gnu/libc.so.6]";

describe("categoryOf", () => {
  it("puts marking, the scavenger, the sweeper and the write barrier's slow path in the collector", () => {
    for (const name of [MARKING, SCAVENGE, SWEEP, BARRIER]) expect(categoryOf(name)).toBe("collector");
  });

  it("puts TurboFan's passes in the compilers", () => {
    expect(categoryOf(TURBOFAN)).toBe("compiler");
  });

  it("leaves the run's own work to the rest: compiled code, builtins, the runtime's hash tables, libc", () => {
    for (const name of [MAP_LOOKUP, JIT_CODE, REHASH, MEMCPY]) expect(categoryOf(name)).toBe("rest");
  });
});

describe("splitAnnotation", () => {
  const annotation = (counts: Record<string, string>): string =>
    [
      "--------------------------------------------------------------------------------",
      "Profile data file 'callgrind.6.out' (creator: callgrind-3.19.0)",
      "Timerange: Basic block 0 - 7088767925",
      "Thresholds:       100",
      "--------------------------------------------------------------------------------",
      "Ir                      ",
      "31,888,520,551 (100.0%)  PROGRAM TOTALS",
      "",
      "Ir                      file:function",
      ...Object.entries(counts).map(([name, n]) => `${n} ( 1.00%)  ${name}`),
      "",
    ].join("\n");

  it("sums each function's count into its category and skips the totals and the headers", () => {
    const split = splitAnnotation(
      annotation({
        [MARKING]: "1,502,059,202",
        [BARRIER]: "  111,900,000",
        [TURBOFAN]: "   13,500,000",
        [MAP_LOOKUP]: "   87,300,000",
        [JIT_CODE]: "       68,100",
      }),
    );
    expect(split).toEqual({ collector: 1_613_959_202, compiler: 13_500_000, rest: 87_368_100 });
  });

  it("finds nothing in text that lists no function", () => {
    expect(splitAnnotation("Events shown:     Ir\n31,888,520,551 (100.0%)  PROGRAM TOTALS\n")).toEqual({
      collector: 0,
      compiler: 0,
      rest: 0,
    });
  });
});

describe("splitDifference", () => {
  it("subtracts category by category", () => {
    expect(
      splitDifference({ collector: 900, compiler: 70, rest: 400 }, { collector: 100, compiler: 50, rest: 300 }),
    ).toEqual({ collector: 800, compiler: 20, rest: 100 });
  });
});
