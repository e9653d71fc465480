// Authorization rules: public names (re-exported by core/index.ts).
export { powerLevelField, userPowerLevel } from "./power-levels.ts";
export type { AuthResult } from "./result.ts";
export { checkAuth, type CheckAuthOptions } from "./check-auth.ts";
export { authStateKeysFor, selectAuthEvents, type EventSkeleton } from "./select-auth-events.ts";
export {
  authEventsInState,
  checkAuthAgainstState,
  checkAuthEventsList,
  checkPduFormat,
  checkPduSignaturesAndHash,
  PDU_LIMITS,
  requiredSigners,
  type FormatResult,
  type SignatureResult,
} from "./receipt.ts";
