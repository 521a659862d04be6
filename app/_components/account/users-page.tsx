"use client";
/**
 * Users, for admins: every account with its role and state; create one, disable or enable it, reset its password
 * (the user then chooses a new one at their next sign-in). Team membership is managed on the Teams page.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { usePermission } from "../../_lib/use-permission";
import { useTRPC } from "../../_trpc/client";
import { buttonClass, ConfirmDialog } from "../confirm-dialog";
import { QueryError } from "../query-error";
import { Cell, Table } from "../table";
import { TextField } from "../text-field";
import { TimeAgo } from "../time-ago";
import { CreateUserForm } from "./create-user-form";

interface Target {
  id: string;
  username: string;
  totpEnabled?: boolean;
}

export function UsersPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const manage = usePermission("user.list");
  const users = useQuery(trpc.users.list.queryOptions(undefined, { enabled: manage.allowed }));
  const self = useQuery(trpc.auth.status.queryOptions(undefined, { staleTime: 60_000 })).data?.user?.name;
  const selfReason = "This is your own account: another admin can disable it or reset its password; change your password on the Account page.";
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const disable = useMutation(trpc.users.disable.mutationOptions({ onSettled: refresh }));
  const enable = useMutation(trpc.users.enable.mutationOptions({ onSettled: refresh }));
  const reset = useMutation(trpc.users.resetPassword.mutationOptions({ onSettled: refresh }));
  const [disabling, setDisabling] = useState<Target | null>(null);
  const [resetting, setResetting] = useState<Target | null>(null);
  const [newPassword, setNewPassword] = useState("");
  const [twoFactorOff, setTwoFactorOff] = useState(false);
  const error = disable.error ?? enable.error ?? reset.error;

  if (!manage.allowed) {
    return (
      <>
        <h1 className="mb-4 text-xl font-semibold">Users</h1>
        {manage.reason && <p role="alert" className="text-sm text-zinc-600 dark:text-zinc-400">Only admins manage users. {manage.reason}</p>}
      </>
    );
  }

  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Users</h1>
      <CreateUserForm onCreated={refresh} />
      {error && <p role="alert" className="mb-3 text-sm text-red-700 dark:text-red-400">{error.message}</p>}
      {reset.isSuccess && (
        <p role="status" className="mb-3 text-sm text-green-800 dark:text-green-300">
          Password of {reset.data.username} reset: {reset.data.endedSessions} session(s) signed out, {reset.data.revokedTokens} API token(s) revoked. They choose a new password at their next sign-in.
        </p>
      )}
      {users.data === undefined ? (
        users.isError ? <QueryError what="users" message={users.error.message} /> : <p className="text-sm text-zinc-500">Loading users…</p>
      ) : (
        <Table caption="Users" columns={["Username", "Role", "State", "Last seen", "Created", ""]}>
          {users.data.map((u) => (
            <tr key={u.id}>
              <Cell className="font-medium">{u.username}</Cell>
              <Cell>{u.role}</Cell>
              <Cell>
                <span className={u.disabled ? "text-red-700 dark:text-red-400" : "text-green-800 dark:text-green-300"}>{u.disabled ? "disabled" : "active"}</span>
                {u.totpEnabled && <span className="ml-2 text-xs text-zinc-500">two-factor</span>}
                {u.mustChangePassword && <span className="ml-2 text-xs text-amber-700 dark:text-amber-400">must change password</span>}
              </Cell>
              <Cell>{u.lastSeenAt ? <TimeAgo time={u.lastSeenAt} /> : <span className="text-zinc-500">not signed in</span>}</Cell>
              <Cell><TimeAgo time={u.createdAt} /></Cell>
              <Cell className="whitespace-nowrap text-right">
                {u.username === self ? (
                  <>
                    <button type="button" className={buttonClass("danger")} disabled title={selfReason}>Disable</button>{" "}
                    <button type="button" className={buttonClass("secondary")} disabled title={selfReason}>Reset password</button>
                  </>
                ) : u.disabled ? (
                  <button type="button" className={buttonClass("secondary")} aria-label={`Enable ${u.username}`} onClick={() => enable.mutate({ id: u.id })}>Enable</button>
                ) : (
                  <button type="button" className={buttonClass("danger")} aria-label={`Disable ${u.username}`} onClick={() => setDisabling(u)}>Disable</button>
                )}
                {u.username !== self && (
                  <>
                    {" "}
                    <button type="button" className={buttonClass("secondary")} aria-label={`Reset password of ${u.username}`} onClick={() => { setNewPassword(""); setTwoFactorOff(false); setResetting(u); }}>
                      Reset password
                    </button>
                  </>
                )}
              </Cell>
            </tr>
          ))}
        </Table>
      )}
      <ConfirmDialog open={disabling !== null} danger title={`Disable ${disabling?.username ?? ""}?`} confirmLabel="Disable"
        onCancel={() => setDisabling(null)} onConfirm={() => { if (disabling) disable.mutate({ id: disabling.id }); setDisabling(null); }}>
        They are signed out everywhere at once and cannot sign in, and their API tokens stop working, until enabled again.
      </ConfirmDialog>
      <ConfirmDialog open={resetting !== null} danger title={`Reset the password of ${resetting?.username ?? ""}?`} confirmLabel="Reset password"
        onCancel={() => setResetting(null)} onConfirm={() => { if (resetting) reset.mutate({ id: resetting.id, password: newPassword, disableTwoFactor: twoFactorOff }); setResetting(null); }}>
        <p className="mb-3">Their sessions end and their API tokens are revoked. Give them this temporary password; they must choose a new one when they sign in.</p>
        <TextField label="Temporary password" type="password" autoComplete="new-password" minLength={8} value={newPassword} onChange={(e) => setNewPassword(e.target.value)} />
        {resetting?.totpEnabled && (
          <label className="mt-3 flex items-center gap-2">
            <input type="checkbox" checked={twoFactorOff} onChange={(e) => setTwoFactorOff(e.target.checked)} />
            Also turn off two-factor sign-in (they lost their authenticator)
          </label>
        )}
      </ConfirmDialog>
    </>
  );
}
