// Whole numbers with their thousands grouped by commas ("54,089"), for the summaries people
// read. Written out rather than asked of `toLocaleString("en-US")`: the first call of that
// loads the ICU locale data, 17 ms of a one-second `netsplit run` (issue 12's day-long
// split), and what it prints would then depend on the Node build's ICU.

/** `n` rounded to a whole number, grouped by threes from the right: -1234567.6 → "-1,234,568" (and -0 → "0"). */
export function groupDigits(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const whole = Math.round(n);
  const digits = String(Math.abs(whole));
  // Beyond 2^53 String() switches to exponent notation at 1e21; group only plain digits.
  if (!/^\d+$/.test(digits)) return String(whole);
  let out = "";
  for (let end = digits.length; end > 0; end -= 3) {
    const start = Math.max(0, end - 3);
    out = out === "" ? digits.slice(start, end) : `${digits.slice(start, end)},${out}`;
  }
  return whole < 0 ? `-${out}` : out;
}
