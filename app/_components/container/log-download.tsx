"use client";
/**
 * Downloads the whole log as a file (GET /api/containers/{id}/logs). Fetched, not linked, so that a refusal or an
 * engine error is said next to the button instead of replacing the page. Disabled, with the reason, for roles
 * without `container.logs.download`.
 */
import { useState } from "react";
import { usePermission } from "../../_lib/use-permission";
import { buttonClass } from "../confirm-dialog";

export function LogDownload({ id, name, team, timestamps }: { id: string; name: string; team: string | null; timestamps: boolean }) {
  const permission = usePermission("container.logs.download", { team });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function download() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/containers/${encodeURIComponent(id)}/logs${timestamps ? "?timestamps=1" : ""}`);
      if (!res.ok) throw new Error((await res.text()) || `HTTP ${res.status}`);
      const url = URL.createObjectURL(await res.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = `${name}.log`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(`Download failed: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="flex items-center gap-2">
      {error && <span role="alert" className="text-red-700 dark:text-red-400">{error}</span>}
      <button type="button" onClick={download} disabled={busy || !permission.allowed} title={permission.reason} className={buttonClass("secondary")}>
        {busy ? "Downloading…" : "Download"}
      </button>
    </span>
  );
}
