/**
 * The permission matrix: every action the console can perform, and who may perform it.
 *
 * Terms:
 * - **action**: a dotted name `<area>.<verb>` (`container.list`, `auth.signin`). Every tRPC procedure names exactly one
 *   action (see `procedure()` in ../trpc.ts), and the audit log records that same name, so the matrix, the server checks
 *   and the audit trail share one vocabulary.
 * - **role**: a user's global role. Teams (a role per team) come later and refine who, never what: this table stays
 *   the single place that says which role may do which action.
 * - `"public"`: anyone may call it, signed in or not (first-run setup, sign-in, the session probe). Public is declared
 *   here explicitly rather than by omission, so a forgotten entry fails the type check instead of opening a hole.
 */

export const roles = ["admin", "operator", "viewer"] as const;
export type Role = (typeof roles)[number];

const everyone: readonly Role[] = roles;
const adminOnly: readonly Role[] = ["admin"];

export const permissions = {
  "auth.status": "public",
  "auth.setup": "public",
  "auth.signin": "public",
  "auth.signout": everyone,

  "engine.status": everyone,
  "container.list": everyone,
  "image.list": everyone,

  "user.create": adminOnly,
} as const satisfies Record<string, "public" | readonly Role[]>;

export type Action = keyof typeof permissions;

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value);
}

export function isPublic(action: Action): boolean {
  return permissions[action] === "public";
}

/** Whether `role` may perform `action`. Public actions are allowed to every role (and to nobody signed in). */
export function isAllowed(action: Action, role: Role): boolean {
  const rule: "public" | readonly Role[] = permissions[action];
  return rule === "public" || rule.includes(role);
}
