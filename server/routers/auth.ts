/**
 * First-run setup, sign-in, sign-out, and the session probe the pages use to decide where to send the user.
 */
import { closeSession } from "../auth/sessions";
import { setupFirstAdmin, needsSetup } from "../services/auth/setup";
import { signIn } from "../services/auth/sign-in";
import { credentialsSchema, newCredentialsSchema } from "../services/users/credentials";
import { createTRPCRouter, procedure } from "../trpc";

export const authRouter = createTRPCRouter({
  status: procedure("auth.status").query(async ({ ctx }) => ({
    needsSetup: await needsSetup(ctx.db),
    user: ctx.principal && { name: ctx.principal.name, role: ctx.principal.role },
  })),

  setup: procedure("auth.setup")
    .input(newCredentialsSchema)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "user", name: input.username };
      const admin = await setupFirstAdmin(ctx.db, input);
      ctx.audit.target.id = admin.id;
      return { username: admin.username, role: admin.role };
    }),

  signin: procedure("auth.signin")
    .input(credentialsSchema)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "user", name: input.username };
      // A fresh session every time, and the one the browser arrived with is ended (no session fixation).
      if (ctx.sessionId) await closeSession(ctx.db, ctx.sessionId);
      const { principal, session } = await signIn(ctx.db, input, ctx.request);
      ctx.audit.actor = { id: principal.id, name: principal.name, role: principal.role };
      ctx.audit.target.id = principal.id;
      ctx.cookies.setSession(session.token, session.expiresAt);
      return { name: principal.name, role: principal.role };
    }),

  signout: procedure("auth.signout").mutation(async ({ ctx }) => {
    ctx.audit.target = { kind: "user", id: ctx.principal.id, name: ctx.principal.name };
    if (ctx.sessionId) await closeSession(ctx.db, ctx.sessionId);
    ctx.cookies.clearSession();
    return { signedOut: true };
  }),
});
