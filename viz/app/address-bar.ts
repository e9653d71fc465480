// Keeping the address bar's permalink in step with the run (viz/main.ts checks twice a
// second), without writing over a link that something else has just put there. Setting
// location.hash (a JSON scenario file opened, the scenario picker, a link pasted) changes
// it at once, but the page's hashchange handler runs later, as a task of its own. A check
// running in between would take the new hash for a stale permalink and write the old
// run's over it; the handler would then find a hash the page wrote itself and open
// nothing. That is the one way the page can drop a link. A CI run once waited five minutes
// for a JSON file's run that never came; Chromium did not order the tasks so in 8 tries
// with a page kept busy past the check's time, so that run's cause is not known. A hash
// other than the one the page last wrote is taken as a link still to open: left alone.

export interface AddressBar {
  /** location.hash now. */
  hash: string;
  /** The hash the page last wrote or opened. */
  written: string;
  /** Whether the run is moving (the permalink would be stale at once) or is a trace file's (it has none). */
  busy: boolean;
  /** The run's permalink, asked only when it may be written. */
  permalink: () => string;
}

/** The permalink to write into the address bar now, or undefined to leave it as it is. */
export function permalinkToWrite(bar: AddressBar): string | undefined {
  if (bar.busy || bar.hash !== bar.written) return undefined;
  const link = bar.permalink();
  return link !== "#" && link !== bar.hash ? link : undefined;
}
