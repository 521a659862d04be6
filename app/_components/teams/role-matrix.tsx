/**
 * "What each role may do": the permission matrix (server/auth/permissions.ts) rendered as it is, so the page can never
 * disagree with what the server enforces. Public actions are left out (everyone may); refinements say what they refine.
 */
import { isAllowed, isPublic, permissions, refinements, roles, type Action } from "@/server/auth/permissions";
import { Cell, Table } from "../table";

const actions = (Object.keys(permissions) as Action[]).filter((action) => !isPublic(action));

export function RoleMatrix() {
  return (
    <section aria-labelledby="role-matrix-title" className="mt-10">
      <h2 id="role-matrix-title" className="mb-1 text-lg font-semibold">What each role may do</h2>
      <p className="mb-3 max-w-3xl text-sm text-zinc-600 dark:text-zinc-400">
        Read from the permission matrix the server enforces. On a container of a team, what counts is your role in that
        team; admins may do everything everywhere. Containers without a team are for admins, and for users in no team by
        their own role.
      </p>
      <Table caption="What each role may do" columns={["Action", ...roles]}>
        {actions.map((action) => {
          const refined = (refinements as Partial<Record<Action, Action>>)[action];
          return (
            <tr key={action}>
              <Cell className="font-mono text-xs">
                {action}
                {refined && <span className="ml-2 font-sans text-zinc-500">(within {refined})</span>}
              </Cell>
              {roles.map((role) => (
                <Cell key={role}>
                  {isAllowed(action, role) ? <span aria-label="allowed" className="text-emerald-700 dark:text-emerald-400">✓</span> : <span aria-label="not allowed" className="text-zinc-400">—</span>}
                </Cell>
              ))}
            </tr>
          );
        })}
      </Table>
    </section>
  );
}
