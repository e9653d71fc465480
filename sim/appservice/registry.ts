// The application services one homeserver has loaded, and the rules that follow from
// their namespaces: which service a token belongs to, who may register a user id or
// create an alias (M_EXCLUSIVE), and whom to ask about an unknown user or alias.
// Registrations are configuration, so the registry is what a crash keeps.

import { parseUserId, type UserId } from "../../core/index.ts";
import { fail, ok, type Result } from "../matrix-error.ts";
import { Namespaces } from "./namespaces.ts";
import { DEFAULT_APPSERVICE_PARAMS, type AppServiceParams } from "./params.ts";
import { RegistrationError, type NamespaceKind, type Registration } from "./registration.ts";

/** One loaded service as its homeserver knows it. */
export interface ServiceEntry {
  readonly registration: Registration;
  readonly id: string;
  readonly namespaces: Namespaces;
  readonly senderUserId: UserId;
  readonly serverName: string;
  /** The node the homeserver pushes to and queries; null when the registration's url is null. */
  readonly node: string | null;
  readonly params: AppServiceParams;
}

/** At most this many services per homeserver: a limit on every list. */
export const SERVICES_PER_SERVER_MAX = 1_000;

export class AppServiceRegistry {
  private readonly entries = new Map<string, ServiceEntry>();

  constructor(readonly serverName: string) {}

  /**
   * Load a validated registration. The spec says a homeserver MUST keep `id` and
   * `as_token` unique; netsplit also keeps each sender user to one service, since the
   * sender user is the service's own and exclusive to it (as in Synapse).
   */
  add(registration: Registration, source: string, params: Partial<AppServiceParams> = {}): ServiceEntry {
    const problems: string[] = [];
    const senderUserId = parseUserId(`@${registration.sender_localpart}:${this.serverName}`);
    for (const other of this.list()) {
      if (other.id === registration.id)
        problems.push(`$.id: ${JSON.stringify(registration.id)} is already registered on ${this.serverName}`);
      if (other.registration.as_token === registration.as_token)
        problems.push(`$.as_token: already used by application service ${JSON.stringify(other.id)}`);
      if (other.senderUserId === senderUserId)
        problems.push(`$.sender_localpart: ${senderUserId} is already the sender of ${JSON.stringify(other.id)}`);
    }
    if (this.entries.size >= SERVICES_PER_SERVER_MAX)
      problems.push(`$: ${this.serverName} already has ${SERVICES_PER_SERVER_MAX} application services`);
    if (problems.length > 0) throw new RegistrationError(source, problems);
    const entry: ServiceEntry = {
      registration,
      id: registration.id,
      namespaces: new Namespaces(registration.namespaces),
      senderUserId,
      serverName: this.serverName,
      node: registration.url,
      params: { ...DEFAULT_APPSERVICE_PARAMS, ...params },
    };
    this.entries.set(entry.id, entry);
    return entry;
  }

  /** Every service, sorted by id. */
  list(): ServiceEntry[] {
    return [...this.entries.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get(id: string): ServiceEntry | undefined {
    return this.entries.get(id);
  }

  byToken(asToken: string): ServiceEntry | undefined {
    return this.list().find((e) => e.registration.as_token === asToken);
  }

  /**
   * Whether `asker` (a service, or an ordinary user when undefined) may register the
   * user id. A service may only register users of its own namespaces (or its sender);
   * nobody else may register a user inside another service's exclusive namespace
   * (spec: "Server admin style permissions": M_EXCLUSIVE both ways).
   */
  mayRegister(userId: UserId, asker?: ServiceEntry): Result<void> {
    if (asker && userId !== asker.senderUserId && !asker.namespaces.matches("users", userId)) {
      return fail("M_EXCLUSIVE", `${userId} is outside the user namespaces of application service ${asker.id}`);
    }
    const owner = this.exclusiveOwner("users", userId, asker);
    return owner ? fail("M_EXCLUSIVE", `${userId} is reserved by application service ${owner.id}`) : ok(undefined);
  }

  /** The same rule for room aliases (PUT /directory/room/{roomAlias}). */
  mayCreateAlias(alias: string, asker?: ServiceEntry): Result<void> {
    if (asker && !asker.namespaces.matches("aliases", alias)) {
      return fail("M_EXCLUSIVE", `${alias} is outside the alias namespaces of application service ${asker.id}`);
    }
    const owner = this.exclusiveOwner("aliases", alias, asker);
    return owner ? fail("M_EXCLUSIVE", `${alias} is reserved by application service ${owner.id}`) : ok(undefined);
  }

  /** Services to ask about an unknown id of their namespace, in id order (only those with a url). */
  queryTargets(kind: Extract<NamespaceKind, "users" | "aliases">, value: string): ServiceEntry[] {
    return this.list().filter((e) => e.node !== null && e.namespaces.matches(kind, value));
  }

  private exclusiveOwner(
    kind: NamespaceKind,
    value: string,
    except: ServiceEntry | undefined,
  ): ServiceEntry | undefined {
    return this.list().find(
      (e) => e !== except && (e.namespaces.isExclusive(kind, value) || (kind === "users" && value === e.senderUserId)),
    );
  }
}
