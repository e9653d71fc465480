// What an authorization check returns: allowed, or rejected with the rule that failed
// (the spec's number in that room version's own numbering) and one plain sentence.

export type AuthResult = { allowed: true } | { allowed: false; rule: string; reason: string };

export const ALLOW: AuthResult = Object.freeze({ allowed: true });

export function deny(rule: string, reason: string): AuthResult {
  return { allowed: false, rule, reason };
}
