// Where a callgrind count goes: V8's collector, V8's optimising compilers, and the rest
// (the run's own work: compiled JavaScript, which valgrind cannot name, the builtins it
// calls, the runtime, libc). The count of a state resolution under valgrind mixes the
// three, and not in the proportions a native run does: Node runs single-threaded there
// (bench/instructions.ts), so a full collection's marking, which natively runs on helper
// threads while the resolution goes on, lands in the count; at 45k events one such
// marking over the half-gigabyte room was two thirds of the count. The rest is what the
// resolver's code asks of the machine, the figure to compare between room sizes.
//
// The categories come from the symbol names callgrind_annotate prints (V8's C++ classes
// and builtins in the node binary); a name no pattern knows counts as the rest.

/** One category's share of a count. */
export type InstructionCategory = "collector" | "compiler" | "rest";

export type InstructionSplit = Record<InstructionCategory, number>;

// The collector: marking, sweeping, compaction, the scavenger, the remembered sets, and the
// write barrier's slow path (the code the mutator runs for the collector while marking is on;
// the marking barrier falls under Marking).
const COLLECTOR =
  /Mark(ing|Compact|Bit)|Sweep|Scaveng|Evacuat|RememberedSet|heap::base::|BodyDescriptor|SizeFromMap|RecordWrite|WriteBarrier|MemoryChunk|PagedSpace|\bHeap::/;
// TurboFan (v8::internal::compiler), Maglev, Sparkplug (baseline) and the code they assemble.
const COMPILER =
  /v8::internal::(compiler|maglev|baseline)::|\bZone::|Assembler|RegisterAllocat|InstructionSelector|OptimizedCompilationJob/;

/** The category of one function as callgrind_annotate names it. */
export function categoryOf(symbol: string): InstructionCategory {
  if (COLLECTOR.test(symbol)) return "collector";
  if (COMPILER.test(symbol)) return "compiler";
  return "rest";
}

/**
 * The instructions per category in the output of `callgrind_annotate --inclusive=no`: one
 * line per function, its count first ("1,234,567 (12.34%)  file:function [object]"). The
 * PROGRAM TOTALS line is skipped; a line that is not a function's is ignored.
 */
export function splitAnnotation(text: string): InstructionSplit {
  const split: InstructionSplit = { collector: 0, compiler: 0, rest: 0 };
  for (const line of text.split("\n")) {
    const match = /^\s*([\d,]+)\s+\([^)]*\)\s+(.+)$/.exec(line);
    if (match === null || match[2]!.includes("PROGRAM TOTALS")) continue;
    split[categoryOf(match[2]!)] += Number(match[1]!.replace(/,/g, ""));
  }
  return split;
}

/** `larger − smaller`, per category: the instructions of the extra units of the larger run. */
export function splitDifference(larger: InstructionSplit, smaller: InstructionSplit): InstructionSplit {
  return {
    collector: larger.collector - smaller.collector,
    compiler: larger.compiler - smaller.compiler,
    rest: larger.rest - smaller.rest,
  };
}
