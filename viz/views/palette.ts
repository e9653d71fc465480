// Colours that stay apart under the common colour-vision deficiencies (Okabe & Ito's
// palette for the states servers hold; Tableau's ten for who created an event), always
// backed by a glyph or a letter on the page, so colour is never the only cue.

export const STATE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

const CREATOR_COLOURS = [
  "#4e79a7",
  "#f28e2b",
  "#59a14f",
  "#b07aa1",
  "#76b7b2",
  "#e15759",
  "#edc948",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
];

export function stateColour(group: number | null): string {
  return group === null ? "#9aa3ad" : STATE_COLOURS[group % STATE_COLOURS.length]!;
}

/** A server's colour as the creator of events: by its place among the run's servers. */
export function creatorColour(servers: readonly string[], server: string): string {
  const i = servers.indexOf(server);
  return i < 0 ? "#9aa3ad" : CREATOR_COLOURS[i % CREATOR_COLOURS.length]!;
}

/** A glyph per outcome, so accepted and rejected differ by shape as well as colour. */
export const STATUS_GLYPH: Record<string, string> = {
  accepted: "✓",
  soft_failed: "⚠",
  rejected: "✕",
  outlier: "○",
};
