import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "../_components/auth-card";
import { SignInForm } from "../_components/sign-in-form";
import { serverCaller } from "../_trpc/server";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ created?: string | string[] }> }) {
  const status = await (await serverCaller()).auth.status();
  if (status.needsSetup) redirect("/setup");
  if (status.user) redirect("/");
  const created = (await searchParams).created;
  const createdName = typeof created === "string" ? created : undefined;
  return (
    <AuthCard
      title="Sign in"
      intro={createdName ? <p role="status">Admin {createdName} created. Sign in to continue.</p> : undefined}
    >
      <SignInForm username={createdName} />
    </AuthCard>
  );
}
