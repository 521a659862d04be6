/**
 * The permission matrix: every action the console can perform, and who may perform it.
 *
 * Terms:
 * - **action**: a dotted name `<area>.<verb>` (`container.list`, `auth.signin`). Every tRPC procedure names exactly one
 *   action (see `procedure()` in ../trpc.ts), and the audit log records that same name, so the matrix, the server checks
 *   and the audit trail share one vocabulary.
 * - **role**: `admin`, `operator` or `viewer`. A user has a global role (User.role) and, per team they belong to, a
 *   team role (operator or viewer). Teams refine who, never what: this table stays the single place that says which
 *   role may do which action; ./team-scope.ts says which of a person's roles counts for a given resource.
 * - **team scope** (decided in ./team-scope.ts, nowhere else): resources created through the console carry the label
 *   `hako.team=<team name>`. For an action on such a resource the role that counts is the user's role in that team;
 *   a user who is not a member does not see it at all (lists leave it out, direct requests are refused FORBIDDEN and
 *   audited with the team). Admins see and act on everything by their global role. Unlabeled resources (created on
 *   the engine's socket directly, or before teams existed) are acted on by the global role of users who belong to no
 *   team — so a console without teams works as before — and are out of scope for team members (admins only), so that
 *   putting someone in a team confines them to it. Networks follow the same rule, except the built-in ones (bridge,
 *   host, none), which are everyone's. Images, builds and registries carry no team (images are one shared store):
 *   actions on them, and the procedure check before any resource is known, use the highest role the user holds
 *   anywhere, global or in a team.
 * - `"public"`: anyone may call it, signed in or not (first-run setup, sign-in, the session probe). Public is declared
 *   here explicitly rather than by omission, so a forgotten entry fails the type check instead of opening a hole.
 */

export const roles = ["admin", "operator", "viewer"] as const;
export type Role = (typeof roles)[number];

const everyone: readonly Role[] = roles;
/** People who run containers: everything a viewer may not (change state, exec, read secrets, take logs away). */
const operators: readonly Role[] = ["admin", "operator"];
const adminOnly: readonly Role[] = ["admin"];

export const permissions = {
  "auth.status": "public",
  "auth.setup": "public",
  "auth.signin": "public",
  // Public so that a pending sign-in (./sessions.ts) can be abandoned too; the handler refuses a caller with neither.
  "auth.signout": "public",
  // The steps that finish a pending sign-in (server/auth/sessions.ts): public, because a pending session is nobody yet;
  // each works only on the caller's own pending session.
  "auth.totp.verify": "public",
  "auth.password.renew": "public",

  // One's own account, for everyone signed in: password, two-factor, sessions and personal API tokens.
  "account.show": everyone,
  "user.password.change": everyone,
  "account.totp.enrol": everyone,
  "account.totp.enable": everyone,
  "account.totp.disable": everyone,
  "session.list": everyone,
  "session.revoke": everyone,
  "token.list": everyone,
  "token.create": everyone,
  "token.revoke": everyone,

  "engine.status": everyone,
  "engine.host": everyone,
  "engine.events": everyone,

  "container.list": everyone,
  "container.inspect": everyone,
  "container.logs": everyone,
  "container.logs.download": operators,
  "container.stats": everyone,
  "container.create": operators,
  "container.start": operators,
  "container.stop": operators,
  "container.restart": operators,
  "container.kill": operators,
  "container.pause": operators,
  "container.unpause": operators,
  "container.remove": operators,
  "container.exec": operators,
  // Refinements (see below): checked inside the procedure named, not procedures of their own.
  "container.env.read": operators,
  "container.create.privileged": adminOnly,

  "image.list": everyone,
  "image.inspect": everyone,
  "image.history": everyone,
  "image.pull": operators,
  "image.push": operators,
  "image.tag": operators,
  "image.transfers": operators,
  "image.rule.set": adminOnly,
  // Builds: anyone may read the history and follow a build's log; building is an operator's.
  "image.build": operators,
  "build.list": everyone,
  "build.inspect": everyone,

  // Networks: anyone may see them and what is attached; creating, removing and (dis)connecting is an operator's.
  "network.list": everyone,
  "network.inspect": everyone,
  "network.create": operators,
  "network.remove": operators,
  "network.connect": operators,
  "network.disconnect": operators,

  // Admins keep the team's registries and their credentials; operators pull and push with them.
  "registry.list": operators,
  "registry.add": adminOnly,
  "registry.test": adminOnly,
  "registry.remove": adminOnly,

  "user.create": adminOnly,
  "user.list": adminOnly,
  "user.disable": adminOnly,
  "user.enable": adminOnly,
  "user.password.reset": adminOnly,

  // Teams: everyone lists their own (admins every team); only admins shape them.
  "team.list": everyone,
  "team.create": adminOnly,
  "team.rename": adminOnly,
  "team.remove": adminOnly,
  "team.member.set": adminOnly,
  "team.member.remove": adminOnly,

  // The audit log: reading it, checking its hash chain and exporting it are an admin's (the auditor's) business.
  "audit.list": adminOnly,
  "audit.verify": adminOnly,
  "audit.export": adminOnly,
  // Terminal transcripts hold whatever was typed and shown (passwords included): admins only.
  "audit.transcript.read": adminOnly,
} as const satisfies Record<string, "public" | readonly Role[]>;

export type Action = keyof typeof permissions;

/**
 * Actions that refine another: the procedure of the action on the right performs them, and checks them itself
 * (requirePermission in ./require-permission.ts) because they depend on the input or on what is shown. A viewer may
 * inspect a container but sees its environment values redacted; an operator may run one, but not privileged.
 */
export const refinements = {
  "container.env.read": "container.inspect",
  "container.create.privileged": "container.create",
} as const satisfies Partial<Record<Action, Action>>;

/**
 * Account-management actions: they need a signed-in session, never a personal API token. A token is a credential
 * handed to scripts; if it could mint more tokens, change the password, turn two-factor on or off or end sessions, a
 * leaked token would be a takeover of its owner's account rather than a revocable grant.
 */
export const sessionOnly: ReadonlySet<Action> = new Set<Action>([
  "user.password.change",
  "account.totp.enrol",
  "account.totp.enable",
  "account.totp.disable",
  "session.revoke",
  "token.create",
]);

export const SESSION_ONLY_MESSAGE = "API tokens cannot manage the account; sign in with a password.";

/** The one wording of a refusal, for the procedure check, refinements and the terminal's WebSocket alike. */
export function deniedMessage(action: Action, role: Role): string {
  return `Permission ${action} is required; your role ${role} does not have it.`;
}

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
