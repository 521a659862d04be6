"use client";
/** The Containers page's title row: the Run container button (disabled, with the reason, for viewers). */
import Link from "next/link";
import { usePermission } from "../_lib/use-permission";
import { buttonClass } from "./confirm-dialog";

export function ContainersHeader({ removed }: { removed?: string | undefined }) {
  const create = usePermission("container.create");
  return (
    <div className="mb-4 flex flex-col gap-2">
      <div className="flex items-center justify-between">
        <h1 className="text-xl font-semibold">Containers</h1>
        {create.allowed ? (
          <Link href="/containers/new" className={buttonClass("primary")}>Run container</Link>
        ) : (
          <button type="button" disabled title={create.reason} className={buttonClass("primary")}>Run container</button>
        )}
      </div>
      {removed && <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">Removed container {removed}.</p>}
    </div>
  );
}
