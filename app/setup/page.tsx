/** First-run setup; once any user exists it is gone for good (the server refuses it too). */
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "../_components/auth-card";
import { SetupForm } from "../_components/setup-form";
import { serverCaller } from "../_trpc/server";

export const metadata: Metadata = { title: "Set up" };

export default async function SetupPage() {
  const status = await (await serverCaller()).auth.status();
  if (!status.needsSetup) redirect("/signin");
  return (
    <AuthCard title="Create the first admin" intro="This console has no users yet. The account you create here administers it.">
      <SetupForm />
    </AuthCard>
  );
}
