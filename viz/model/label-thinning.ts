// Labels that never overlap: given labels along one axis (tick times along x, server
// names down the lanes, the lengths of shortened idle stretches), keep the ones that fit
// and drop the rest, so a crowded diagram shows fewer labels rather than a smudge.
// Labels are kept by priority (higher first; ties by position), and one is kept only if
// it does not come within `gap` of a label already kept.

export interface Label {
  /** Where the label starts along the axis, and how long it is. */
  at: number;
  size: number;
  /** Higher is kept first; default 0. */
  priority?: number;
}

/** The indices of `labels` that can be drawn without overlapping, in position order. */
export function thinLabels(labels: readonly Label[], gap = 4): number[] {
  const order = labels.map((_, i) => i);
  order.sort((a, b) => (labels[b]!.priority ?? 0) - (labels[a]!.priority ?? 0) || labels[a]!.at - labels[b]!.at);
  const kept: number[] = [];
  for (const i of order) {
    const l = labels[i]!;
    const clashes = kept.some((k) => {
      const o = labels[k]!;
      return l.at < o.at + o.size + gap && o.at < l.at + l.size + gap;
    });
    if (!clashes) kept.push(i);
  }
  return kept.sort((a, b) => labels[a]!.at - labels[b]!.at);
}

/**
 * Lane labels down a column: every lane's name when they fit, else every k-th one (k the
 * smallest step that clears the text height), so the kept names are evenly spread and
 * the first and (when there is room for two) the last lane stay named.
 */
export function everyKth(count: number, pitch: number, textSize: number): number[] {
  if (count === 0) return [];
  const k = Math.max(1, Math.ceil(textSize / Math.max(0.001, pitch)));
  const out: number[] = [];
  for (let i = 0; i < count; i += k) out.push(i);
  const last = count - 1;
  if (out[out.length - 1] === last) return out;
  if ((last - out[out.length - 1]!) * pitch >= textSize) out.push(last);
  // The last lane takes the place of the kept one too close above it (never the first's).
  else if (out.length > 1) out[out.length - 1] = last;
  return out;
}
