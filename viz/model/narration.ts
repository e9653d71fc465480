// The walkthrough as a presenter uses it: which note comes next or before the cursor,
// and what a note names — servers ("hs2"), users ("Bob", "@bob:hs2") and kinds of
// event ("topic", "power levels") — so the page can light them up while the caption
// is read out.

export interface Named {
  servers: string[];
  users: string[];
  /** Event labels' prefixes the note speaks of ("topic", "power levels", "join rule", "name"). */
  kinds: string[];
}

const KINDS: Array<[RegExp, string]> = [
  [/\btopic\b/i, "topic"],
  [/\bpower[ _]levels?\b/i, "power levels"],
  [/\bjoin[ _]rules?\b/i, "join rule"],
  [/\broom name\b/i, "name"],
];

export function namedIn(text: string, servers: readonly string[], users: readonly string[]): Named {
  const words = new Set(text.toLowerCase().match(/[@a-z0-9_.:-]+/g) ?? []);
  const has = (w: string) => words.has(w.toLowerCase()) || new RegExp(`\\b${escape(w)}\\b`, "i").test(text);
  const namedServers = servers.filter((s) => has(s));
  const namedUsers = users.filter((u) => {
    const local = u.replace(/^@/, "").split(":")[0] ?? "";
    return text.includes(u) || (local.length > 1 && new RegExp(`\\b${escape(local)}\\b`, "i").test(text));
  });
  return { servers: namedServers, users: namedUsers, kinds: KINDS.filter(([re]) => re.test(text)).map(([, k]) => k) };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
