/**
 * Who is acting. A principal is what the authorisation check and the audit record look at.
 *
 * - `user`: a person signed in through the console (their session resolved on this request).
 * - `cli`: the operator of the host running `hako` commands locally (e.g. `hako admin create`). Being able to run them
 *   already means controlling the database, so the CLI acts as admin; it still passes the same checks and is audited
 *   under its own name.
 */
import type { Role } from "./permissions";

export interface Principal {
  kind: "user" | "cli";
  /** the User row's id; null for the CLI */
  id: string | null;
  name: string;
  role: Role;
}

export const cliPrincipal: Principal = { kind: "cli", id: null, name: "cli", role: "admin" };
