/** What a list page shows with nothing in it: what the page is for and the first step to fill it. */
import type { ReactNode } from "react";

export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-zinc-300 px-6 py-12 text-center dark:border-zinc-700">
      <p className="text-base font-medium">{title}</p>
      <div className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">{children}</div>
    </div>
  );
}
