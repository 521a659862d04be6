"use client";
/**
 * The run form's Team field: which team the new container belongs to (its `hako.team` label). Members choose one of
 * their teams (required: the server refuses a team member's container without one), and teams where their role may
 * not run containers are shown but disabled. Admins may choose any team, or none. Hidden when there is nothing to
 * choose (no teams, or a user in none).
 */
import { useQuery } from "@tanstack/react-query";
import { isAllowed } from "@/server/auth/permissions";
import { useRole } from "../../_lib/use-permission";
import { useTRPC } from "../../_trpc/client";
import { Select } from "../run-form/fields";

/** `resource` names what is being created, for the hint ("container", "network"). */
export function TeamSelect({ error, resource = "container" }: { error?: string | undefined; resource?: string }) {
  const trpc = useTRPC();
  const role = useRole();
  const teams = useQuery(trpc.teams.list.queryOptions(undefined, { staleTime: 60_000 }));
  const admin = role === "admin";
  const choices = (teams.data ?? []).filter((team) => admin || team.myRole);
  if (!role || choices.length === 0) return null;
  const mayRun = (myRole: typeof choices[number]["myRole"]) => admin || (myRole !== null && isAllowed("container.create", myRole));
  const first = choices.find((team) => mayRun(team.myRole));
  return (
    <Select label="Team" name="team" required={!admin} defaultValue={admin ? "" : first?.name} error={error}
      hint={admin ? "Its members see it and act on it by their role in the team." : `The ${resource} belongs to this team; its members see it.`}>
      {admin && <option value="">No team (admins only)</option>}
      {choices.map((team) => (
        <option key={team.id} value={team.name} disabled={!mayRun(team.myRole)}>
          {team.name}{team.myRole ? ` (you are ${team.myRole})` : ""}
        </option>
      ))}
    </Select>
  );
}
