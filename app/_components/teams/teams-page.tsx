"use client";
/**
 * Teams: admins create them and manage who is in each with which role; everyone else sees the teams they belong to.
 * Below, what each role may do (from the permission matrix).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { formErrorsOf } from "../../_lib/form-errors";
import { usePermission } from "../../_lib/use-permission";
import { useTRPC } from "../../_trpc/client";
import { buttonClass } from "../confirm-dialog";
import { EmptyState } from "../empty-state";
import { QueryError } from "../query-error";
import { TextField } from "../text-field";
import { RoleMatrix } from "./role-matrix";
import { TeamCard } from "./team-card";

function CreateTeamForm({ onCreated }: { onCreated(): void }) {
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | undefined>();
  const create = useMutation(trpc.teams.create.mutationOptions({
    onSuccess: () => { setName(""); setError(undefined); onCreated(); },
    onError: (err) => { const e = formErrorsOf(err); setError(e.fields.name ?? e.form); },
  }));
  return (
    <form aria-label="Create a team" className="mb-6 flex flex-wrap items-end gap-3 rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900"
      onSubmit={(e) => { e.preventDefault(); create.mutate({ name }); }}>
      <TextField label="Team name" placeholder="web" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} error={error} required />
      <button type="submit" className={buttonClass("primary")} disabled={create.isPending || !name.trim()}>Create team</button>
    </form>
  );
}

export function TeamsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const manage = usePermission("team.create");
  const teams = useQuery(trpc.teams.list.queryOptions());
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.teams.list.queryKey() });

  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Teams</h1>
      {manage.allowed && <CreateTeamForm onCreated={refresh} />}
      {teams.data === undefined ? (
        teams.isError ? <QueryError what="teams" message={teams.error.message} /> : <p className="text-sm text-zinc-500">Loading teams…</p>
      ) : teams.data.length === 0 ? (
        <EmptyState title={manage.allowed ? "No teams yet" : "You are in no team"}>
          A team shares containers: those run for it carry its name, and its members see them and act on them by their role
          in the team (operator or viewer). {manage.allowed ? "Create one above, then add members." : "An admin adds you to one."}
        </EmptyState>
      ) : (
        <div className="flex flex-col gap-6">
          {teams.data.map((team) => <TeamCard key={team.id} team={team} manage={manage.allowed} onChanged={refresh} />)}
        </div>
      )}
      <RoleMatrix />
    </>
  );
}
