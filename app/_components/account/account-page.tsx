"use client";
/** The signed-in person's own account: password, two-factor sign-in, sessions and API tokens. */
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../_trpc/client";
import { QueryError } from "../query-error";
import { PasswordSection } from "./password-section";
import { SessionsSection } from "./sessions-section";
import { TokensSection } from "./tokens-section";
import { TwoFactorSection } from "./two-factor-section";

export function AccountPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.account.me.queryOptions());
  return (
    <>
      <h1 className="mb-1 text-xl font-semibold">Account</h1>
      {me.data ? (
        <p className="mb-6 text-sm text-zinc-600 dark:text-zinc-400">
          Signed in as <span className="font-medium">{me.data.username}</span> ({me.data.role}).
        </p>
      ) : me.isError ? <QueryError what="your account" message={me.error.message} /> : <p className="mb-6 text-sm text-zinc-500">Loading…</p>}
      <PasswordSection />
      {me.data && <TwoFactorSection enabled={me.data.totpEnabled} />}
      <SessionsSection />
      <TokensSection />
    </>
  );
}
