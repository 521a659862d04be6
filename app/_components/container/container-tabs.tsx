"use client";
/** The detail page's tabs, kept in the URL (?tab=logs) so that a tab can be shared and survives a reload. */
import Link from "next/link";

export const tabs = ["overview", "logs", "terminal", "stats", "inspect"] as const;
export type Tab = (typeof tabs)[number];

const labels: Record<Tab, string> = { overview: "Overview", logs: "Logs", terminal: "Terminal", stats: "Stats", inspect: "Inspect" };

export function tabOf(value: string | null | undefined): Tab {
  return (tabs as readonly string[]).includes(value ?? "") ? (value as Tab) : "overview";
}

export function ContainerTabs({ id, current, hidden }: { id: string; current: Tab; hidden: Tab[] }) {
  return (
    <div role="tablist" aria-label="Container" className="flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
      {tabs
        .filter((tab) => !hidden.includes(tab))
        .map((tab) => (
          <Link
            key={tab}
            role="tab"
            id={`tab-${tab}`}
            aria-selected={tab === current}
            aria-controls={`panel-${tab}`}
            href={`/containers/${encodeURIComponent(id)}?tab=${tab}`}
            replace
            scroll={false}
            className="-mb-px border-b-2 border-transparent px-3 py-2 text-sm hover:text-zinc-900 aria-selected:border-sky-600 aria-selected:font-semibold dark:hover:text-white"
          >
            {labels[tab]}
          </Link>
        ))}
    </div>
  );
}
