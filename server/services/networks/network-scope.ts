/**
 * The team check on a network (../../auth/team-scope.ts), as for containers, shared by the network changes and by
 * running a container on a network. The built-in networks (bridge, host, none) belong to no team and are everyone's
 * to see and attach to.
 */
import type { Action } from "../../auth/permissions";
import type { Principal } from "../../auth/principal";
import type { Db } from "../../db";
import type { Engine } from "../../engine/client";
import { requireInScope, standingOf } from "../teams/standing";
import { networkDetail, type NetworkDetail } from "./list-networks";

/** The network `ref` (ID or name) names, once the caller may perform `action` on it; refused FORBIDDEN otherwise. */
export async function requireNetworkScope(target: Engine, db: Db, principal: Principal, ref: string, action: Action): Promise<NetworkDetail> {
  const network = await networkDetail(target, ref);
  if (!network.builtin) requireInScope(await standingOf(db, principal), action, network.team, `Network ${network.name}`);
  return network;
}
