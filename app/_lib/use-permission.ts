"use client";
/**
 * What the signed-in user may do, from the same permission matrix and team-scope rule the server enforces
 * (server/auth/permissions.ts, server/auth/team-scope.ts), so that controls they may not use are hidden or disabled
 * with the reason. The server refuses them anyway.
 *
 * Without a resource, a permission is judged by the highest role the user holds anywhere (global or in a team); with
 * one (`{ team }`, the resource's `hako.team` label or null), by their role in that resource's team.
 */
import { useQuery } from "@tanstack/react-query";
import { deniedMessage, isAllowed, type Action, type Role } from "@/server/auth/permissions";
import { bestRole, scopeRefusal, type Standing } from "@/server/auth/team-scope";
import { useTRPC } from "../_trpc/client";

export interface Permission {
  allowed: boolean;
  /** why not, for a tooltip; undefined when allowed or still loading */
  reason: string | undefined;
}

/** The resource a permission is asked about: the team it belongs to (null when unlabeled). */
export interface ResourceScope {
  team: string | null;
}

export function useRole(): Role | undefined {
  const trpc = useTRPC();
  const status = useQuery(trpc.auth.status.queryOptions(undefined, { staleTime: 60_000 }));
  return status.data?.user?.role;
}

/** The user's global role and their role in each of their teams; undefined while loading. */
export function useStanding(): Standing | undefined {
  const trpc = useTRPC();
  const role = useRole();
  const needsTeams = role !== undefined && role !== "admin";
  const teams = useQuery(trpc.teams.list.queryOptions(undefined, { staleTime: 60_000, enabled: needsTeams }));
  if (!role) return undefined;
  if (!needsTeams || teams.isError) return { role, teams: {} }; // unreadable teams: the server still decides
  if (!teams.data) return undefined;
  return { role, teams: Object.fromEntries(teams.data.flatMap((t) => (t.myRole ? [[t.name, t.myRole]] : []))) };
}

export function usePermission(action: Action, scope?: ResourceScope): Permission {
  const standing = useStanding();
  if (!standing) return { allowed: false, reason: undefined };
  if (scope) {
    const refusal = scopeRefusal(standing, action, scope.team);
    return { allowed: refusal === null, reason: refusal ?? undefined };
  }
  const role = bestRole(standing);
  const allowed = isAllowed(action, role);
  return { allowed, reason: allowed ? undefined : deniedMessage(action, role) };
}
