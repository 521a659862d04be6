/** User accounts, an admin's business: list, create (also `hako admin create`), disable/enable, reset a password. */
import { z } from "zod";
import { roles } from "../auth/permissions";
import { listUsers, resetPassword, setDisabled } from "../services/account/user-admin";
import { createUser } from "../services/users/create-user";
import { newCredentialsSchema, newPasswordSchema } from "../services/users/credentials";
import { createTRPCRouter, procedure } from "../trpc";

const idSchema = z.object({ id: z.string().min(1).max(100) });

/** Disable or enable a user: one procedure shape, two actions in the matrix (and the audit log). */
function disabledProcedure(action: "user.disable" | "user.enable", disabled: boolean) {
  return procedure(action)
    .input(idSchema)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "user", id: input.id };
      const done = await setDisabled(ctx.db, ctx.principal.id, input.id, disabled);
      ctx.audit.target.name = done.username;
      return done;
    });
}

export const usersRouter = createTRPCRouter({
  list: procedure("user.list").query(({ ctx }) => listUsers(ctx.db)),

  create: procedure("user.create")
    .input(newCredentialsSchema.extend({ role: z.enum(roles) }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "user", name: input.username };
      const user = await createUser(ctx.db, input);
      ctx.audit.target.id = user.id;
      return user;
    }),

  disable: disabledProcedure("user.disable", true),
  enable: disabledProcedure("user.enable", false),

  resetPassword: procedure("user.password.reset")
    .input(idSchema.extend({ password: newPasswordSchema, disableTwoFactor: z.boolean().optional() }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "user", id: input.id };
      const done = await resetPassword(ctx.db, ctx.principal.id, input.id, input);
      ctx.audit.target.name = done.username;
      return done;
    }),
});
