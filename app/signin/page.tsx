import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "../_components/auth-card";
import { SignInForm } from "../_components/sign-in-form";
import { serverCaller } from "../_trpc/server";
import { safeNextPath } from "./safe-next";

export const metadata: Metadata = { title: "Sign in" };

type Params = { created?: string | string[]; next?: string | string[] };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Params> }) {
  const status = await (await serverCaller()).auth.status();
  if (status.needsSetup) redirect("/setup");
  const params = await searchParams;
  const next = safeNextPath(params.next);
  if (status.user) redirect(next);
  const createdName = typeof params.created === "string" ? params.created : undefined;
  return (
    <AuthCard
      title="Sign in"
      intro={createdName && !status.pending ? <p role="status">Admin {createdName} created. Sign in to continue.</p> : undefined}
    >
      {/* A half-finished sign-in (code or new password owed) resumes at its step after a reload. */}
      <SignInForm username={status.pending?.name ?? createdName} step={status.pending ? (status.pending.step === "totp" ? "totp" : "password-change") : "password"} next={next} />
    </AuthCard>
  );
}
