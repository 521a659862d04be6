"use client";
/** The left navigation. Areas that later issues add are listed, disabled, so the shape of the console is visible. */
import Link from "next/link";
import { usePathname } from "next/navigation";

const areas = [
  { href: "/", label: "Dashboard" },
  { href: "/containers", label: "Containers" },
  { href: "/images", label: "Images" },
  { href: "/builds", label: "Builds" },
  { href: "/networks", label: "Networks" },
  { href: "/registries", label: "Registries" },
  { href: "/audit", label: "Audit" },
  { href: "/users", label: "Users" },
  { href: "/teams", label: "Teams" },
  { href: "/account", label: "Account" },
] as const;

const comingSoon = ["Volumes"];

export function SideNav() {
  const pathname = usePathname();
  const isCurrent = (href: string) => (href === "/" ? pathname === "/" : pathname.startsWith(href));

  return (
    <nav aria-label="Main" className="flex flex-col gap-1 p-3 text-sm">
      {areas.map(({ href, label }) => (
        <Link
          key={href}
          href={href}
          aria-current={isCurrent(href) ? "page" : undefined}
          className="rounded-md px-3 py-2 hover:bg-zinc-200/70 aria-[current=page]:bg-zinc-200 aria-[current=page]:font-semibold dark:hover:bg-zinc-800 dark:aria-[current=page]:bg-zinc-800"
        >
          {label}
        </Link>
      ))}
      <div className="mt-4 border-t border-zinc-200 pt-3 dark:border-zinc-800">
        {comingSoon.map((label) => (
          <span key={label} aria-disabled="true" title="Coming soon" className="block cursor-not-allowed px-3 py-2 text-zinc-400 dark:text-zinc-600">
            {label}
          </span>
        ))}
      </div>
    </nav>
  );
}
