// The walkthrough as a presenter uses it: what a note names — servers ("hs2"), users
// ("Bob", "@bob:hs2"), kinds of event ("topic", "messages", "joins") and whether it
// speaks of the network itself ("splits", "can no longer reach", "heals") — and, from
// that, what to light up while the caption is read out: the servers and users, the
// links between named servers (only the cut ones when the note is about a cut), and the
// events of the named kinds (only those of the named users when there are any). Pure:
// the page passes in the links and the lanes' events it shows.

export interface Named {
  servers: string[];
  users: string[];
  /** The kinds of event the note speaks of ("topic", "power levels", "message", "join", …). */
  kinds: string[];
  /** The note speaks of the network: a split, a cut, servers that cannot reach each other, a heal. */
  network: boolean;
}

/** What an event is, as far as a note can name it. */
export interface NameableEvent {
  id: string;
  type: string;
  sender: string;
  stateKey?: string;
  /** The membership of an m.room.member event ("join", "leave", "ban", "invite", "knock"). */
  membership?: string;
}

export interface NameableLink {
  /** "a|b" */
  id: string;
  a: string;
  b: string;
  cut: boolean;
  service: boolean;
}

type EventTest = (e: NameableEvent) => boolean;

const member =
  (...memberships: string[]): EventTest =>
  (e) =>
    e.type === "m.room.member" && memberships.includes(e.membership ?? "");

/** A kind of event: the words that name it, and which events it covers. */
const KINDS: Array<{ kind: string; words: RegExp; covers: EventTest }> = [
  { kind: "topic", words: /\btopics?\b/i, covers: (e) => e.type === "m.room.topic" },
  { kind: "power levels", words: /\bpower[ _]levels?\b/i, covers: (e) => e.type === "m.room.power_levels" },
  { kind: "join rule", words: /\bjoin[ _]rules?\b/i, covers: (e) => e.type === "m.room.join_rules" },
  { kind: "name", words: /\broom name\b/i, covers: (e) => e.type === "m.room.name" },
  { kind: "message", words: /\bmessages?\b/i, covers: (e) => e.type === "m.room.message" },
  { kind: "create", words: /\bcreates? (a|the) room\b|\bcreate event\b/i, covers: (e) => e.type === "m.room.create" },
  // "joins", "joined" — not "join rule(s)" nor "join template" (a make_join response, not an event).
  { kind: "join", words: /\bjoin(s|ed|ing)?\b(?! rules?\b| template\b)/i, covers: member("join") },
  { kind: "leave", words: /\b(leaves|left|kick(s|ed)?)\b/i, covers: member("leave") },
  { kind: "ban", words: /\bban(s|ned)?\b/i, covers: member("ban") },
  { kind: "invite", words: /\binvit(e|es|ed)\b/i, covers: member("invite") },
];

const NETWORK_WORDS = /\b(split|splits|cut|cuts|partition\w*|reach|isolat\w*|alone|heal\w*|netsplit)\b/i;

export function namedIn(text: string, servers: readonly string[], users: readonly string[]): Named {
  const words = new Set(text.toLowerCase().match(/[@a-z0-9_.:-]+/g) ?? []);
  const has = (w: string) => words.has(w.toLowerCase()) || new RegExp(`\\b${escape(w)}\\b`, "i").test(text);
  const namedServers = servers.filter((s) => has(s));
  const namedUsers = users.filter((u) => {
    const local = localpart(u);
    return text.includes(u) || (local.length > 1 && new RegExp(`\\b${escape(local)}\\b`, "i").test(text));
  });
  return {
    servers: namedServers,
    users: namedUsers,
    kinds: KINDS.filter((k) => k.words.test(text)).map((k) => k.kind),
    network: NETWORK_WORDS.test(text),
  };
}

/**
 * The ids to light up for a note: its servers and users, the links it speaks of and the
 * events it names. Links: those between two named servers; when the note is about the
 * network, only the cut ones among them (every cut link when it names no server).
 * Events: those of the named kinds, narrowed to the named users' when any of theirs is
 * there (sent by them, or about them: "Bob joins").
 */
export function litBy(
  named: Named,
  scene: { links: readonly NameableLink[]; events: readonly NameableEvent[] },
): Set<string> {
  const lit = new Set<string>([...named.servers, ...named.users]);
  for (const id of litLinks(named, scene.links)) lit.add(id);
  for (const id of litEvents(named, scene.events)) lit.add(id);
  return lit;
}

function litLinks(named: Named, links: readonly NameableLink[]): string[] {
  const servers = new Set(named.servers);
  const federation = links.filter((l) => !l.service);
  const between = federation.filter((l) => servers.has(l.a) && servers.has(l.b));
  if (!named.network) return servers.size >= 2 ? between.map((l) => l.id) : [];
  const cut = (servers.size >= 2 ? between : servers.size === 0 ? federation : []).filter((l) => l.cut);
  return (cut.length ? cut : between).map((l) => l.id);
}

function litEvents(named: Named, events: readonly NameableEvent[]): string[] {
  const tests = KINDS.filter((k) => named.kinds.includes(k.kind)).map((k) => k.covers);
  if (!tests.length) return [];
  const ofKind = events.filter((e) => tests.some((t) => t(e)));
  const users = new Set(named.users.map(localpart));
  const theirs = ofKind.filter((e) => users.has(localpart(e.sender)) || users.has(localpart(e.stateKey ?? "")));
  return (theirs.length ? theirs : ofKind).map((e) => e.id);
}

function localpart(user: string): string {
  return user.replace(/^@/, "").split(":")[0] ?? user;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
