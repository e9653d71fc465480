// The figures an experiment reports per run, by name (run-metrics.ts computes them).

/** The figures of one run, by name: what the CSV summarises, plots draw and `expect` tests. */
export const METRIC_NAMES = [
  "unionWidthMean",
  "unionWidthMax",
  "serverWidthMean",
  "serverWidthMax",
  "prevEventsMean",
  "eventsCreated",
  "dummyEvents",
  "latencyMsMean",
  "latencyMsP95",
  "getMissingEvents",
  "stateIds",
  "messagesSent",
  "pduBytesSent",
  "converged",
  "timeToConvergeMs",
  "widthOneAfterHealMs",
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
