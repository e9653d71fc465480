// Loaded into a benchmarked `netsplit` process with `node --import`: on exit it writes the
// process's peak resident memory to stderr as one line, `peak-rss-bytes N`, which
// bench/process-run.ts reads. Plain JavaScript: the child runs the prebuilt CLI.
process.on("exit", () => process.stderr.write(`\npeak-rss-bytes ${process.resourceUsage().maxRSS * 1024}\n`));
