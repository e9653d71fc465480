// Every Client-Server API route netsplit serves, in one table.

import type { Route } from "../route-table.ts";
import { ACCOUNT_ROUTES } from "./account.ts";
import { EPHEMERAL_ROUTES } from "./ephemeral.ts";
import { ROOM_ACTION_ROUTES } from "./room-actions.ts";
import { ROOM_READ_ROUTES } from "./room-reads.ts";
import { SYNC_ROUTES } from "./sync.ts";

export const CLIENT_ROUTES: readonly Route[] = [
  ...ACCOUNT_ROUTES,
  ...SYNC_ROUTES,
  ...ROOM_ACTION_ROUTES,
  ...ROOM_READ_ROUTES,
  ...EPHEMERAL_ROUTES,
];
