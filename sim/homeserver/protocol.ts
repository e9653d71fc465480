// The protocol checks the homeserver runs, gathered in one place: the receive pipeline
// calls these in the spec's order (server-server-api.md, "Checks performed on receipt
// of a PDU"). core/ implements them; this file only names what the engine uses.

export {
  authEventsInState,
  checkAuth,
  checkAuthAgainstState,
  checkAuthEventsList,
  checkPduFormat,
  checkPduSignaturesAndHash,
  requiredSigners,
  selectAuthEvents,
} from "../../core/index.ts";
