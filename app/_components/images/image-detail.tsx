"use client";
/** One image: Overview (tags, config, labels), Layers, History and Tag history tabs (?tab= keeps the tab in the URL). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState, type ReactNode } from "react";
import { exactBytes, humanSize, shortId } from "../../_lib/format";
import { usePermission } from "../../_lib/use-permission";
import { useTRPC } from "../../_trpc/client";
import { buttonClass } from "../confirm-dialog";
import { QueryError } from "../query-error";
import { Cell, Table } from "../table";
import { TextField } from "../text-field";
import { TimeAgo } from "../time-ago";
import { TagTimeline } from "./tag-timeline";
import { TransferDialog } from "./transfer-dialog";

const tabs = ["overview", "layers", "history", "tags"] as const;
type Tab = (typeof tabs)[number];
const labels: Record<Tab, string> = { overview: "Overview", layers: "Layers", history: "History", tags: "Tag history" };

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[10rem_1fr] gap-2 py-1">
      <dt className="text-zinc-500">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

export function ImageDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const params = useSearchParams();
  const tab: Tab = (tabs as readonly string[]).includes(params.get("tab") ?? "") ? (params.get("tab") as Tab) : "overview";
  const image = useQuery(trpc.images.inspect.queryOptions({ id }, { refetchInterval: 5000 }));
  const [pushing, setPushing] = useState(false);
  const [newTag, setNewTag] = useState("");
  const tag = useMutation(trpc.images.tag.mutationOptions({
    onSuccess: () => {
      setNewTag("");
      void queryClient.invalidateQueries({ queryKey: trpc.images.pathKey() });
    },
  }));
  const pushPermission = usePermission("image.push");
  const tagPermission = usePermission("image.tag");

  if (!image.data) {
    if (image.isError) return <QueryError what={`image ${id}`} message={image.error.message} />;
    return <p className="text-sm text-zinc-500">Loading image…</p>;
  }
  const d = image.data;
  const firstTag = d.tags[0];
  return (
    <>
      <p className="mb-1 text-sm"><Link href="/images" className="underline">Images</Link> /</p>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-xl font-semibold">{firstTag ?? shortId(d.id)}</h1>
        <button type="button" className={buttonClass("primary")} onClick={() => setPushing(true)} disabled={!pushPermission.allowed} title={pushPermission.reason}>
          Push…
        </button>
      </div>
      <TransferDialog kind="push" source={firstTag ?? d.id} suggestion={firstTag ? firstTag.replace(/^[^/]*[.:][^/]*\//, "") : ""} open={pushing} onClose={() => setPushing(false)} />

      <div role="tablist" aria-label="Image" className="mb-4 flex gap-1 border-b border-zinc-200 dark:border-zinc-800">
        {tabs.map((t) => (
          <Link key={t} role="tab" aria-selected={t === tab} href={`/images/${encodeURIComponent(id)}?tab=${t}`} replace scroll={false}
            className="-mb-px border-b-2 border-transparent px-3 py-2 text-sm aria-selected:border-sky-600 aria-selected:font-semibold">
            {labels[t]}
          </Link>
        ))}
      </div>

      {tab === "overview" && (
        <div role="tabpanel" aria-label="Overview" className="grid gap-6 lg:grid-cols-2">
          <section aria-labelledby="tags-title">
            <h2 id="tags-title" className="mb-2 text-sm font-semibold">Tags</h2>
            {d.tags.length ? <ul className="font-mono text-sm">{d.tags.map((t) => <li key={t}>{t}</li>)}</ul> : <p className="text-sm text-zinc-500">No tags (dangling).</p>}
            <form className="mt-3 flex items-end gap-2" onSubmit={(e) => { e.preventDefault(); tag.mutate({ id: d.id, reference: newTag }); }}>
              <div className="flex-1"><TextField label="Add a tag" placeholder="app:v2" value={newTag} onChange={(e) => setNewTag(e.target.value)} error={tag.error?.message} /></div>
              <button type="submit" className={buttonClass("secondary")} disabled={!newTag.trim() || tag.isPending || !tagPermission.allowed} title={tagPermission.reason}>Tag</button>
            </form>
            <h2 className="mt-4 mb-2 text-sm font-semibold">Digests</h2>
            {d.digests.length ? <ul className="font-mono text-xs">{d.digests.map((t) => <li key={t}>{t}</li>)}</ul> : <p className="text-sm text-zinc-500">None (never pulled or pushed).</p>}
          </section>
          <section aria-labelledby="config-title">
            <h2 id="config-title" className="mb-2 text-sm font-semibold">Config</h2>
            <dl className="text-sm">
              <Row label="ID"><span className="font-mono text-xs">{d.id}</span></Row>
              <Row label="Created">{d.created ? <TimeAgo time={d.created} /> : "—"}</Row>
              <Row label="Size"><span title={exactBytes(d.size)}>{humanSize(d.size)}</span></Row>
              <Row label="Platform">{d.os}/{d.architecture}</Row>
              <Row label="Command"><code>{d.config.cmd ? JSON.stringify(d.config.cmd) : "—"}</code></Row>
              <Row label="Entrypoint"><code>{d.config.entrypoint ? JSON.stringify(d.config.entrypoint) : "—"}</code></Row>
              <Row label="Working dir">{d.config.workingDir || "—"}</Row>
              <Row label="User">{d.config.user || "—"}</Row>
              <Row label="Ports">{d.config.exposedPorts.join(", ") || "—"}</Row>
              <Row label="Volumes">{d.config.volumes.join(", ") || "—"}</Row>
              <Row label="Environment">{d.config.env.length ? <ul className="font-mono text-xs">{d.config.env.map((e) => <li key={e}>{e}</li>)}</ul> : "—"}</Row>
            </dl>
            <h2 className="mt-4 mb-2 text-sm font-semibold">Labels</h2>
            {Object.keys(d.labels).length ? (
              <dl className="text-sm">{Object.entries(d.labels).map(([k, v]) => <Row key={k} label={k}>{v}</Row>)}</dl>
            ) : <p className="text-sm text-zinc-500">No labels.</p>}
          </section>
        </div>
      )}

      {tab === "layers" && (
        <div role="tabpanel" aria-label="Layers">
          <Table caption="Layers" columns={["#", "Diff ID", "Size", "Created by"]}>
            {d.layers.map((l, i) => (
              <tr key={`${l.diffId}-${i}`}>
                <Cell className="tabular-nums">{i + 1}</Cell>
                <Cell className="font-mono text-xs"><span title={l.diffId}>{l.diffId.slice(0, 19)}…</span></Cell>
                <Cell className="tabular-nums">{l.size === null ? "—" : <span title={exactBytes(l.size)}>{humanSize(l.size)}</span>}</Cell>
                <Cell className="font-mono text-xs">{l.createdBy ?? "—"}</Cell>
              </tr>
            ))}
          </Table>
        </div>
      )}

      {tab === "history" && (
        <div role="tabpanel" aria-label="History">
          <Table caption="History" columns={["Created", "Created by", "Size", "Comment"]}>
            {d.history.map((h, i) => (
              <tr key={i}>
                <Cell>{h.created ? <TimeAgo time={h.created} /> : "—"}</Cell>
                <Cell className="font-mono text-xs break-all">{h.createdBy}</Cell>
                <Cell className="tabular-nums"><span title={exactBytes(h.size)}>{humanSize(h.size)}</span></Cell>
                <Cell>{h.comment}</Cell>
              </tr>
            ))}
          </Table>
        </div>
      )}

      {tab === "tags" && <TagTimeline id={d.id} />}
    </>
  );
}
