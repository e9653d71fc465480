// An application service's registration (spec: application-service-api.md
// "Registration", data/api/application-service/definitions/registration.yaml), and the
// check a homeserver runs when it loads one. Registrations are configuration: a bad
// one is refused at the boundary with every problem named by its JSON path, the way a
// homeserver refuses to start on a bad registration file.

/** One entry of a namespace list: a regular expression and whether it is exclusive. */
export interface NamespaceEntry {
  regex: string;
  exclusive: boolean;
}

export type NamespaceKind = "users" | "aliases" | "rooms";

export const NAMESPACE_KINDS: readonly NamespaceKind[] = ["users", "aliases", "rooms"];

/** A registration as validated: every namespace list present (possibly empty), defaults filled. */
export interface Registration {
  /** Unique per homeserver and never changing. */
  id: string;
  /** Where the homeserver pushes: in netsplit, the service's node name in the simulated network. null: push nothing. */
  url: string | null;
  /** What the service presents to the homeserver. Unique per homeserver. */
  as_token: string;
  /** What the homeserver presents to the service. */
  hs_token: string;
  /** The localpart of the service's own user (its "bot"). */
  sender_localpart: string;
  namespaces: Record<NamespaceKind, NamespaceEntry[]>;
  /** Whether masqueraded users are rate-limited. Recorded only: netsplit has no rate limiter. */
  rate_limited: boolean;
  /** Third-party protocols the service bridges (e.g. "irc"). */
  protocols: string[];
  /** Push typing, receipts and presence too (v1.13). Recorded only: netsplit has no EDUs for services yet. */
  receive_ephemeral: boolean;
}

/** What a registration file may hold before validation. */
export type RegistrationInput = Omit<
  Registration,
  "namespaces" | "rate_limited" | "protocols" | "receive_ephemeral"
> & {
  namespaces: Partial<Record<NamespaceKind, NamespaceEntry[]>>;
  rate_limited?: boolean;
  protocols?: string[];
  receive_ephemeral?: boolean;
};

/** A registration that cannot be loaded: every problem, each naming its JSON path. */
export class RegistrationError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: ${problems.join("; ")}`);
    this.name = "RegistrationError";
  }
}

const KNOWN_FIELDS = [
  "id",
  "url",
  "as_token",
  "hs_token",
  "sender_localpart",
  "namespaces",
  "rate_limited",
  "protocols",
  "receive_ephemeral",
];

/** A localpart of the current grammar (spec appendices, "User Identifiers"). */
const LOCALPART = /^[a-z0-9._=/+-]+$/;

/**
 * Check a registration and return it with defaults filled, or throw a RegistrationError
 * listing every problem (`$.namespaces.users[0].regex: …`). `source` names where it came
 * from (a file name, a scenario) and starts the message.
 *
 * Unknown fields are refused, to catch typos (`sender_local_part`), except names with a
 * dot, which are vendor extensions real registration files carry (`org.matrix.msc3202`).
 */
export function validateRegistration(json: unknown, source: string): Registration {
  const problems: string[] = [];
  if (!isObject(json)) throw new RegistrationError(source, ["$: a registration must be an object"]);
  for (const key of Object.keys(json).sort()) {
    if (!KNOWN_FIELDS.includes(key) && !key.includes("."))
      problems.push(`$.${key}: unknown field (known: ${KNOWN_FIELDS.join(", ")})`);
  }
  const id = requiredString(json, "id", problems);
  const asToken = requiredString(json, "as_token", problems);
  const hsToken = requiredString(json, "hs_token", problems);
  const senderLocalpart = requiredString(json, "sender_localpart", problems);
  if (senderLocalpart !== "" && !LOCALPART.test(senderLocalpart)) {
    problems.push(`$.sender_localpart: ${JSON.stringify(senderLocalpart)} is not a valid localpart (a-z, 0-9, ._=/+-)`);
  }
  const url = checkUrl(json, problems);
  const namespaces = checkNamespaces(json.namespaces, problems);
  const rateLimited = optionalBoolean(json, "rate_limited", true, problems);
  const receiveEphemeral = optionalBoolean(json, "receive_ephemeral", false, problems);
  const protocols = checkProtocols(json.protocols, problems);
  if (problems.length > 0) throw new RegistrationError(source, problems);
  return {
    id,
    url,
    as_token: asToken,
    hs_token: hsToken,
    sender_localpart: senderLocalpart,
    namespaces,
    rate_limited: rateLimited,
    protocols,
    receive_ephemeral: receiveEphemeral,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function requiredString(json: Record<string, unknown>, key: string, problems: string[]): string {
  const v = json[key];
  if (v === undefined) problems.push(`$.${key}: required`);
  else if (typeof v !== "string") problems.push(`$.${key}: must be a string, got ${typeName(v)}`);
  else if (v === "") problems.push(`$.${key}: must not be empty`);
  else return v;
  return "";
}

/** The spec's url is a base URL or null; here it names the service's node in the simulated network. */
function checkUrl(json: Record<string, unknown>, problems: string[]): string | null {
  if (!("url" in json)) {
    problems.push("$.url: required (a node name in the simulated network, or null to push nothing)");
    return null;
  }
  const v = json.url;
  if (v === null) return null;
  if (typeof v !== "string") problems.push(`$.url: must be a string or null, got ${typeName(v)}`);
  else if (v === "" || /\s/.test(v))
    problems.push(`$.url: ${JSON.stringify(v)} is not a usable node name (non-empty, no spaces)`);
  else return v;
  return null;
}

function checkNamespaces(v: unknown, problems: string[]): Record<NamespaceKind, NamespaceEntry[]> {
  const out: Record<NamespaceKind, NamespaceEntry[]> = { users: [], aliases: [], rooms: [] };
  if (v === undefined) {
    problems.push("$.namespaces: required (an object with users, aliases and rooms lists; {} for none)");
    return out;
  }
  if (!isObject(v)) {
    problems.push(`$.namespaces: must be an object, got ${typeName(v)}`);
    return out;
  }
  for (const key of Object.keys(v).sort()) {
    if (!(NAMESPACE_KINDS as readonly string[]).includes(key))
      problems.push(`$.namespaces.${key}: unknown namespace (known: users, aliases, rooms)`);
  }
  for (const kind of NAMESPACE_KINDS) {
    const list = v[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push(`$.namespaces.${kind}: must be a list, got ${typeName(list)}`);
      continue;
    }
    list.forEach((entry, i) => {
      const path = `$.namespaces.${kind}[${i}]`;
      const checked = checkNamespaceEntry(entry, path, problems);
      if (checked) out[kind].push(checked);
    });
  }
  return out;
}

function checkNamespaceEntry(entry: unknown, path: string, problems: string[]): NamespaceEntry | undefined {
  if (!isObject(entry)) {
    problems.push(`${path}: must be an object with regex and exclusive, got ${typeName(entry)}`);
    return undefined;
  }
  const before = problems.length;
  // Both fields are required by namespace_list.yaml.
  if (typeof entry.exclusive !== "boolean") problems.push(`${path}.exclusive: required, true or false`);
  if (typeof entry.regex !== "string") problems.push(`${path}.regex: required, a string`);
  else {
    try {
      new RegExp(entry.regex);
    } catch (e) {
      problems.push(
        `${path}.regex: ${JSON.stringify(entry.regex)} is not a valid regular expression (${(e as Error).message})`,
      );
    }
  }
  for (const key of Object.keys(entry).sort())
    if (key !== "regex" && key !== "exclusive") problems.push(`${path}.${key}: unknown field`);
  return problems.length === before
    ? { regex: entry.regex as string, exclusive: entry.exclusive as boolean }
    : undefined;
}

function optionalBoolean(json: Record<string, unknown>, key: string, fallback: boolean, problems: string[]): boolean {
  const v = json[key];
  if (v === undefined) return fallback;
  if (typeof v === "boolean") return v;
  problems.push(`$.${key}: must be true or false, got ${typeName(v)}`);
  return fallback;
}

function checkProtocols(v: unknown, problems: string[]): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    problems.push(`$.protocols: must be a list of strings, got ${typeName(v)}`);
    return [];
  }
  const out: string[] = [];
  v.forEach((p, i) =>
    typeof p === "string" && p !== "" ? out.push(p) : problems.push(`$.protocols[${i}]: must be a non-empty string`),
  );
  return out;
}

function typeName(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "a list" : typeof v;
}
