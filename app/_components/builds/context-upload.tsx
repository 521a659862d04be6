"use client";
/**
 * Choosing the build context: a folder (packed into a tar here, in the browser) or a .tar, .tar.gz or .zip file. It
 * is uploaded at once to POST /api/builds/context, which checks the size limit and answers with the stored context
 * and its Dockerfile. Errors (too large, not an archive, not allowed) appear right here.
 */
import { useState, type ChangeEvent } from "react";
import { exactBytes, humanSize } from "../../_lib/format";
import { folderFiles, tarOf } from "../../_lib/tar-writer";

export interface UploadedContext {
  id: string;
  name: string;
  size: number;
  entries: number;
  dockerfile: string | null;
}

type UploadState = { kind: "none" } | { kind: "uploading"; name: string } | { kind: "error"; message: string } | { kind: "done"; context: UploadedContext };

async function upload(name: string, body: Blob): Promise<UploadedContext> {
  const response = await fetch("/api/builds/context", { method: "POST", body, headers: { "content-type": "application/octet-stream" } });
  const answer = (await response.json().catch(() => ({ error: `The upload failed (HTTP ${response.status}).` }))) as Omit<UploadedContext, "name"> & { error?: string };
  if (!response.ok || answer.error) throw new Error(answer.error ?? `The upload failed (HTTP ${response.status}).`);
  return { ...answer, name };
}

export function ContextUpload({ limit, disabled, onUploaded }: { limit: number | undefined; disabled: boolean; onUploaded: (context: UploadedContext | null) => void }) {
  const [state, setState] = useState<UploadState>({ kind: "none" });

  async function send(name: string, body: Blob) {
    setState({ kind: "uploading", name });
    onUploaded(null);
    try {
      const context = await upload(name, body);
      setState({ kind: "done", context });
      onUploaded(context);
    } catch (err) {
      setState({ kind: "error", message: (err as Error).message });
    }
  }

  function chooseFolder(event: ChangeEvent<HTMLInputElement>) {
    const list = event.currentTarget.files;
    if (!list || list.length === 0) return;
    const folder = folderFiles(list);
    void send(folder.name, tarOf(folder.files));
    event.currentTarget.value = "";
  }

  function chooseArchive(event: ChangeEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0];
    if (!file) return;
    void send(file.name, file);
    event.currentTarget.value = "";
  }

  const picker = "cursor-pointer rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 has-[:disabled]:cursor-not-allowed has-[:disabled]:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800";
  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="mb-1 text-sm font-semibold">Context</legend>
      <div className="flex flex-wrap items-center gap-2">
        <label className={picker}>
          Upload folder
          {/* webkitdirectory is not in React's types; it is what makes the picker choose a folder */}
          <input type="file" className="sr-only" disabled={disabled} onChange={chooseFolder} {...{ webkitdirectory: "", directory: "" }} />
        </label>
        <label className={picker}>
          Upload archive
          <input type="file" className="sr-only" disabled={disabled} accept=".tar,.tar.gz,.tgz,.zip,application/x-tar,application/gzip,application/zip" onChange={chooseArchive} />
        </label>
        {state.kind === "done" && (
          <button type="button" className="text-sm text-zinc-500 underline" onClick={() => { setState({ kind: "none" }); onUploaded(null); }}>
            Remove context
          </button>
        )}
      </div>
      <p className="text-xs text-zinc-500">
        A folder, or a .tar, .tar.gz or .zip of one, up to {limit ? humanLimit(limit) : "the configured limit"}. Without one, the build has the Dockerfile alone.
      </p>
      <div aria-live="polite" className="text-sm">
        {state.kind === "uploading" && <p>Uploading {state.name}…</p>}
        {state.kind === "done" && (
          <p aria-label="Uploaded context">
            Context <span className="font-medium">{state.context.name}</span>:{" "}
            <span title={exactBytes(state.context.size)}>{humanSize(state.context.size)}</span>, {state.context.entries} entries
            {state.context.dockerfile === null ? " (no Dockerfile in it)" : ", Dockerfile loaded into the editor"}
          </p>
        )}
      </div>
      {state.kind === "error" && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">{state.message}</p>
      )}
    </fieldset>
  );
}

function humanLimit(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return mib >= 1024 ? `${Number((mib / 1024).toFixed(1))} GiB` : mib >= 1 ? `${Number(mib.toFixed(1))} MiB` : `${bytes} bytes`;
}
