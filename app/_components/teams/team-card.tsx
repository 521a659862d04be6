"use client";
/**
 * One team: its name and members with their team role. Admins rename or remove it (refused while containers carry its
 * label: a label cannot change), add members, change a member's role and remove members, each change confirmed
 * where it takes access away.
 */
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { teamRoles, type TeamRole } from "@/server/auth/team-scope";
import type { TeamView } from "@/server/services/teams/teams";
import { useTRPC } from "../../_trpc/client";
import { buttonClass, ConfirmDialog } from "../confirm-dialog";
import { Cell, Table } from "../table";
import { TextField } from "../text-field";

const selectClass = "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";

function AddMemberForm({ team, onAdded }: { team: TeamView; onAdded(): void }) {
  const trpc = useTRPC();
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<TeamRole>("viewer");
  const add = useMutation(trpc.teams.setMember.mutationOptions({ onSuccess: () => { setUsername(""); onAdded(); } }));
  return (
    <form aria-label={`Add a member to ${team.name}`} className="mt-3 flex flex-wrap items-end gap-3"
      onSubmit={(e) => { e.preventDefault(); add.mutate({ teamId: team.id, username, role }); }}>
      <TextField label="Username" autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} required />
      <label className="flex flex-col gap-1 text-sm font-medium">
        Role in team
        <select className={selectClass} value={role} onChange={(e) => setRole(e.target.value as TeamRole)}>
          {teamRoles.map((r) => <option key={r}>{r}</option>)}
        </select>
      </label>
      <button type="submit" className={buttonClass("secondary")} disabled={add.isPending || !username.trim()}>Add member</button>
      {add.error && <p role="alert" className="w-full text-sm text-red-700 dark:text-red-400">{add.error.message}</p>}
    </form>
  );
}

function RenameForm({ team, onDone }: { team: TeamView; onDone(): void }) {
  const trpc = useTRPC();
  const [name, setName] = useState(team.name);
  const rename = useMutation(trpc.teams.rename.mutationOptions({ onSuccess: onDone }));
  return (
    <form aria-label={`Rename ${team.name}`} className="flex flex-wrap items-end gap-2" onSubmit={(e) => { e.preventDefault(); rename.mutate({ id: team.id, name }); }}>
      <TextField label="New name" value={name} onChange={(e) => setName(e.target.value)} required />
      <button type="submit" className={buttonClass("primary")} disabled={rename.isPending || !name.trim()}>Save</button>
      <button type="button" className={buttonClass("secondary")} onClick={onDone}>Cancel</button>
      {rename.error && <p role="alert" className="w-full text-sm text-red-700 dark:text-red-400">{rename.error.message}</p>}
    </form>
  );
}

export function TeamCard({ team, manage, onChanged }: { team: TeamView; manage: boolean; onChanged(): void }) {
  const trpc = useTRPC();
  const [renaming, setRenaming] = useState(false);
  const [removingTeam, setRemovingTeam] = useState(false);
  const [removingMember, setRemovingMember] = useState<{ userId: string; username: string } | null>(null);
  const settled = { onSettled: onChanged };
  const setRole = useMutation(trpc.teams.setMember.mutationOptions(settled));
  const removeMember = useMutation(trpc.teams.removeMember.mutationOptions(settled));
  const removeTeam = useMutation(trpc.teams.remove.mutationOptions(settled));
  const error = setRole.error ?? removeMember.error ?? removeTeam.error;

  return (
    <section aria-label={`Team ${team.name}`} className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-3">
        {renaming ? <RenameForm team={team} onDone={() => { setRenaming(false); onChanged(); }} /> : (
          <h2 className="text-lg font-semibold">
            {team.name}
            {team.myRole && <span className="ml-2 rounded bg-zinc-100 px-1.5 py-0.5 text-xs font-normal text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">you are {team.myRole}</span>}
          </h2>
        )}
        {manage && !renaming && (
          <div className="flex gap-2">
            <button type="button" className={buttonClass("secondary")} onClick={() => setRenaming(true)}>Rename</button>
            <button type="button" className={buttonClass("danger")} onClick={() => setRemovingTeam(true)}>Remove team</button>
          </div>
        )}
      </div>
      {error && <p role="alert" className="mb-3 text-sm text-red-700 dark:text-red-400">{error.message}</p>}
      {team.members.length === 0 ? (
        <p className="text-sm text-zinc-500">No members yet{manage ? ": add one below." : "."}</p>
      ) : (
        <Table caption={`Members of ${team.name}`} columns={manage ? ["User", "Role", ""] : ["User", "Role"]}>
          {team.members.map((m) => (
            <tr key={m.userId}>
              <Cell className="font-medium">{m.username}</Cell>
              <Cell>
                {manage ? (
                  <select aria-label={`Role of ${m.username}`} className={selectClass} value={m.role} disabled={setRole.isPending}
                    onChange={(e) => setRole.mutate({ teamId: team.id, username: m.username, role: e.target.value as TeamRole })}>
                    {teamRoles.map((r) => <option key={r}>{r}</option>)}
                  </select>
                ) : m.role}
              </Cell>
              {manage && (
                <Cell className="text-right">
                  <button type="button" className={buttonClass("danger")} aria-label={`Remove ${m.username} from ${team.name}`} onClick={() => setRemovingMember(m)}>Remove</button>
                </Cell>
              )}
            </tr>
          ))}
        </Table>
      )}
      {manage && <AddMemberForm team={team} onAdded={onChanged} />}
      {/* Rendered only while asked, so that the page's cards never hold two dialogs with the same title id. */}
      {removingTeam && (
        <ConfirmDialog open danger title={`Remove team ${team.name}?`} confirmLabel="Remove team"
          onCancel={() => setRemovingTeam(false)} onConfirm={() => { removeTeam.mutate({ id: team.id }); setRemovingTeam(false); }}>
          Its {team.members.length} member{team.members.length === 1 ? "" : "s"} lose access through it. A team that still has containers cannot be removed.
        </ConfirmDialog>
      )}
      {removingMember && (
        <ConfirmDialog open danger title={`Remove ${removingMember.username} from ${team.name}?`} confirmLabel="Remove"
          onCancel={() => setRemovingMember(null)} onConfirm={() => { removeMember.mutate({ teamId: team.id, userId: removingMember.userId }); setRemovingMember(null); }}>
          They no longer see or act on {team.name}&apos;s containers.
        </ConfirmDialog>
      )}
    </section>
  );
}
