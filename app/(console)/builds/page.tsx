import type { Metadata } from "next";
import Link from "next/link";
import { BuildsTable } from "../../_components/builds/builds-table";

export const metadata: Metadata = { title: "Builds" };

export default function BuildsPage() {
  return (
    <>
      <div className="mb-4 flex items-center justify-between">
        <h1 className="text-xl font-semibold">Builds</h1>
        <Link href="/builds/new" className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900">
          Build image
        </Link>
      </div>
      <BuildsTable />
    </>
  );
}
