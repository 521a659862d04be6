/**
 * The signed-in shell: navigation on the left, the user at the top right. The session is checked here, on the server,
 * for every page below; a console with no user yet sends everyone to first-run setup.
 */
import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { EngineBanner } from "../_components/engine-banner";
import { Logo } from "../_components/logo";
import { SideNav } from "../_components/side-nav";
import { SignOutButton } from "../_components/sign-out-button";
import { serverCaller } from "../_trpc/server";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const status = await (await serverCaller()).auth.status();
  if (status.needsSetup) redirect("/setup");
  if (!status.user) redirect("/signin");

  return (
    <div className="flex min-h-screen">
      <aside className="w-52 shrink-0 border-r border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <Link href="/" className="block px-6 py-4 text-lg font-semibold tracking-tight">
          <Logo />
        </Link>
        <SideNav />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex items-center justify-end gap-4 border-b border-zinc-200 bg-white px-6 py-3 dark:border-zinc-800 dark:bg-zinc-900">
          <p className="text-sm" aria-label="Signed in user">
            <span className="font-medium">{status.user.name}</span>{" "}
            <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">
              {status.user.role}
            </span>
          </p>
          <SignOutButton />
        </header>
        <EngineBanner />
        <main className="flex-1 px-6 py-6">{children}</main>
      </div>
    </div>
  );
}
