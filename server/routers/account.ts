/**
 * One's own account: password, two-factor sign-in, sessions and personal API tokens. Every procedure acts on the
 * caller's own account only (the id comes from the session, never from the input).
 */
import { z } from "zod";
import type { Principal } from "../auth/principal";
import { createToken, listTokens, newTokenSchema, revokeToken } from "../services/account/api-tokens";
import { changeOwnPassword } from "../services/account/password";
import { listSessions, revokeOtherSessions, revokeSession } from "../services/account/sessions";
import { beginEnrolment, confirmEnrolment, disableTwoFactor } from "../services/account/two-factor";
import { ServiceError } from "../services/errors";
import { newPasswordSchema, passwordSchema } from "../services/users/credentials";
import { createTRPCRouter, procedure } from "../trpc";

const codeSchema = z.string().trim().regex(/^\d{6}$/, "Enter the 6-digit code from your authenticator app.");
const idSchema = z.object({ id: z.string().min(1).max(100) });

/** The caller's User id; the CLI principal has no account to manage. */
function ownId(principal: Principal): string {
  if (!principal.id) throw new ServiceError("InvalidArgument", "This caller has no account of its own.");
  return principal.id;
}

const ownTarget = (principal: Principal) => ({ kind: "user", id: principal.id, name: principal.name });

export const accountRouter = createTRPCRouter({
  me: procedure("account.show").query(async ({ ctx }) => {
    const user = await ctx.db.user.findUniqueOrThrow({ where: { id: ownId(ctx.principal) } });
    return { username: user.username, role: user.role, totpEnabled: user.totpEnabled, passwordChangedAt: user.passwordChangedAt };
  }),

  changePassword: procedure("user.password.change")
    .input(z.object({ currentPassword: passwordSchema, newPassword: newPasswordSchema }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = ownTarget(ctx.principal);
      return changeOwnPassword(ctx.db, ownId(ctx.principal), ctx.sessionId, input, ctx.request);
    }),

  totp: createTRPCRouter({
    enrol: procedure("account.totp.enrol").mutation(async ({ ctx }) => {
      ctx.audit.target = ownTarget(ctx.principal);
      return beginEnrolment(ctx.db, ownId(ctx.principal));
    }),
    enable: procedure("account.totp.enable")
      .input(z.object({ code: codeSchema }))
      .mutation(async ({ ctx, input }) => {
        ctx.audit.target = ownTarget(ctx.principal);
        await confirmEnrolment(ctx.db, ownId(ctx.principal), input.code);
        return { totpEnabled: true };
      }),
    disable: procedure("account.totp.disable")
      .input(z.object({ code: codeSchema.optional(), password: passwordSchema.optional() }))
      .mutation(async ({ ctx, input }) => {
        ctx.audit.target = ownTarget(ctx.principal);
        await disableTwoFactor(ctx.db, ownId(ctx.principal), input, ctx.request);
        return { totpEnabled: false };
      }),
  }),

  sessions: createTRPCRouter({
    list: procedure("session.list").query(({ ctx }) => listSessions(ctx.db, ownId(ctx.principal), ctx.sessionId)),
    revoke: procedure("session.revoke")
      .input(idSchema)
      .mutation(async ({ ctx, input }) => {
        ctx.audit.target = { kind: "session", id: input.id };
        await revokeSession(ctx.db, ownId(ctx.principal), input.id);
        return { current: input.id === ctx.sessionId };
      }),
    revokeOthers: procedure("session.revoke").mutation(async ({ ctx }) => {
      ctx.audit.target = { kind: "session", name: "all others" };
      return revokeOtherSessions(ctx.db, ownId(ctx.principal), ctx.sessionId);
    }),
  }),

  tokens: createTRPCRouter({
    list: procedure("token.list").query(({ ctx }) => listTokens(ctx.db, ownId(ctx.principal))),
    create: procedure("token.create")
      .input(newTokenSchema)
      .mutation(async ({ ctx, input }) => {
        ctx.audit.target = { kind: "token", name: input.name };
        const created = await createToken(ctx.db, ownId(ctx.principal), input);
        ctx.audit.target = { kind: "token", id: created.id, name: `${created.name} (${created.prefix}…)` };
        return created;
      }),
    revoke: procedure("token.revoke")
      .input(idSchema)
      .mutation(async ({ ctx, input }) => {
        ctx.audit.target = { kind: "token", id: input.id };
        const revoked = await revokeToken(ctx.db, ownId(ctx.principal), input.id);
        ctx.audit.target.name = `${revoked.name} (${revoked.prefix}…)`;
        return revoked;
      }),
  }),
});
