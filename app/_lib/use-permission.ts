"use client";
/**
 * What the signed-in user's role may do, from the same permission matrix the server enforces, so that controls a role
 * may not use are hidden or disabled with the reason. The server refuses them anyway.
 */
import { useQuery } from "@tanstack/react-query";
import { deniedMessage, isAllowed, type Action, type Role } from "@/server/auth/permissions";
import { useTRPC } from "../_trpc/client";

export interface Permission {
  allowed: boolean;
  /** why not, for a tooltip; undefined when allowed or still loading */
  reason: string | undefined;
}

export function useRole(): Role | undefined {
  const trpc = useTRPC();
  const status = useQuery(trpc.auth.status.queryOptions(undefined, { staleTime: 60_000 }));
  return status.data?.user?.role;
}

export function usePermission(action: Action): Permission {
  const role = useRole();
  if (!role) return { allowed: false, reason: undefined };
  const allowed = isAllowed(action, role);
  return { allowed, reason: allowed ? undefined : deniedMessage(action, role) };
}
