/**
 * The check for refinements (see `refinements` in ./permissions.ts) and for entry points that are not tRPC procedures
 * (the terminal's WebSocket): the same matrix and the same wording as the procedure check in ../trpc.ts.
 */
import { ServiceError } from "../services/errors";
import { deniedMessage, isAllowed, type Action } from "./permissions";
import type { Principal } from "./principal";

export function requirePermission(principal: Principal, action: Action): void {
  if (!isAllowed(action, principal.role)) throw new ServiceError("PermissionDenied", deniedMessage(action, principal.role));
}
