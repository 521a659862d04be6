/**
 * First-run setup, sign-in (password, then a two-factor code or a new password when the account owes one), sign-out,
 * and the session probe the pages use to decide where to send the user.
 *
 * Audit names: a refused sign-in is `auth.signin.failed` (wrong password, unknown user, wrong code) or
 * `auth.signin.locked` (refused by the throttle without checking anything), whichever step it happened at.
 */
import { z } from "zod";
import { closeSession } from "../auth/sessions";
import { renewPassword } from "../services/account/password";
import { verifySecondFactor } from "../services/auth/second-factor";
import { setupFirstAdmin, needsSetup } from "../services/auth/setup";
import { signIn, type SignedIn } from "../services/auth/sign-in";
import { ServiceError } from "../services/errors";
import { credentialsSchema, newCredentialsSchema, newPasswordSchema } from "../services/users/credentials";
import { createTRPCRouter, procedure, type AuditNote, type Context } from "../trpc";

/** The audit name of a refused sign-in step, by why it was refused. */
function failureAction(err: unknown): string | undefined {
  if (!(err instanceof ServiceError)) return undefined;
  if (err.kind === "ResourceExhausted") return "auth.signin.locked";
  return err.kind === "Unauthenticated" ? "auth.signin.failed" : undefined;
}

/**
 * Runs a sign-in step: on success the user is the audit actor and gets the cookie; a refused password or code is
 * audited under its failure name.
 */
async function step(ctx: Context & { audit: AuditNote }, run: () => Promise<SignedIn>, checksSecret = true) {
  try {
    const { principal, session, next } = await run();
    ctx.audit.actor = { id: principal.id, name: principal.name, role: principal.role };
    if (ctx.audit.target) ctx.audit.target.id = principal.id;
    ctx.cookies.setSession(session.token, session.expiresAt);
    return { name: principal.name, role: principal.role, next };
  } catch (err) {
    if (checksSecret) ctx.audit.action = failureAction(err);
    throw err;
  }
}

export const authRouter = createTRPCRouter({
  status: procedure("auth.status").query(async ({ ctx }) => ({
    needsSetup: await needsSetup(ctx.db),
    user: ctx.principal && { name: ctx.principal.name, role: ctx.principal.role },
    /** a sign-in that still owes a step: the sign-in page shows it */
    pending: ctx.pending ? { name: ctx.pending.name, step: ctx.pending.step } : null,
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
      return step(ctx, () => signIn(ctx.db, input, ctx.request));
    }),

  verifyTotp: procedure("auth.totp.verify")
    .input(z.object({ code: z.string().trim().regex(/^\d{6}$/, "Enter the 6-digit code from your authenticator app.") }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "user", id: ctx.pending?.userId ?? null, name: ctx.pending?.name ?? null };
      return step(ctx, () => verifySecondFactor(ctx.db, ctx.pending, input.code, ctx.request));
    }),

  renewPassword: procedure("auth.password.renew")
    .input(z.object({ newPassword: newPasswordSchema }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "user", id: ctx.pending?.userId ?? null, name: ctx.pending?.name ?? null };
      return step(ctx, () => renewPassword(ctx.db, ctx.pending, input.newPassword, ctx.request), false);
    }),

  // Ends a full session, or a pending one (the sign-in page's "start over").
  signout: procedure("auth.signout").mutation(async ({ ctx }) => {
    const who = ctx.principal ?? (ctx.pending && { id: ctx.pending.userId, name: ctx.pending.name, role: null });
    if (!who) throw new ServiceError("Unauthenticated", "Sign in to continue.");
    ctx.audit.target = { kind: "user", id: who.id, name: who.name };
    ctx.audit.actor = { id: who.id, name: who.name, role: who.role };
    if (ctx.sessionId) await closeSession(ctx.db, ctx.sessionId);
    ctx.cookies.clearSession();
    return { signedOut: true };
  }),
});
