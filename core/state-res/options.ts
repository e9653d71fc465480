// The defaults of ResolveOptions: Synapse's behaviour wherever the spec leaves a choice
// (spec/README.md §3.5, §11), the authorization rules of core/auth.

import { authStateKeysFor, checkAuth } from "../auth/index.ts";
import type { AuthRulesApi, ResolveOptions, ResolvedOptions } from "./types.ts";

/** core/auth's rules, looked up at call time. */
export const defaultAuthRules: AuthRulesApi = {
  checkAuth: (event, authEvents, roomVersion, options) => checkAuth(event, authEvents, roomVersion, options),
  authStateKeysFor: (event, roomVersion) => authStateKeysFor(event, roomVersion),
};

const NEVER_REJECTED = (): boolean => false;

export function resolveOptions(options: ResolveOptions = {}): ResolvedOptions {
  return {
    fullAuthChainIncludesStateEvents: options.fullAuthChainIncludesStateEvents ?? true,
    keepRejectedOutOfState: options.keepRejectedOutOfState ?? true,
    createIsPowerEvent: options.createIsPowerEvent ?? true,
    v1MemberConflicts: options.v1MemberConflicts ?? "per-key",
    v1WhenNoneAllowed: options.v1WhenNoneAllowed ?? "lowest-depth",
    isRejected: options.isRejected ?? NEVER_REJECTED,
    signer: options.signer,
    authRules: options.authRules ?? defaultAuthRules,
  };
}
