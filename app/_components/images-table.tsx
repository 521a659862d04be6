"use client";
/** Every image on the engine, refreshed every two seconds. */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { exactBytes, humanSize, shortId } from "../_lib/format";
import { useTRPC } from "../_trpc/client";
import { EmptyState } from "./empty-state";
import { POLL_MS } from "./engine-banner";
import { QueryError } from "./query-error";
import { Cell, Table } from "./table";
import { TimeAgo } from "./time-ago";

const columns = ["Repository:tag", "ID", "Digest", "Size", "Created"];

export function ImagesTable() {
  const trpc = useTRPC();
  const images = useQuery(trpc.images.list.queryOptions(undefined, { refetchInterval: POLL_MS }));
  const engine = useQuery(trpc.engine.status.queryOptions(undefined, { refetchInterval: POLL_MS }));

  if (images.data === undefined) {
    if (images.isError) return <QueryError what="images" message={images.error.message} />;
    return <p className="text-sm text-zinc-500">Loading images…</p>;
  }
  if (images.data.length === 0) {
    const host = engine.data?.endpoint ?? "unix:///run/hako/hako.sock";
    return (
      <EmptyState title="No images yet">
        Images are what containers start from. Pull one with the button above, or load one with{" "}
        <code className="font-mono">docker -H {host} load -i image.tar</code>.
      </EmptyState>
    );
  }
  return (
    <Table caption="Images" columns={columns}>
      {images.data.map((image) => (
        <tr key={image.id}>
          <Cell className="font-medium">
            {image.tags.length > 0 ? (
              image.tags.map((tag) => (
                <div key={tag}>
                  <Link href={`/images/${encodeURIComponent(image.id)}`} className="underline-offset-2 hover:underline">{tag}</Link>
                </div>
              ))
            ) : (
              <span className="text-zinc-500">&lt;none&gt;</span>
            )}
          </Cell>
          <Cell className="font-mono text-xs">
            <Link href={`/images/${encodeURIComponent(image.id)}`} title={image.id} className="underline-offset-2 hover:underline">
              {shortId(image.id)}
            </Link>
          </Cell>
          <Cell className="font-mono text-xs">
            {image.digest ? <span title={image.digest}>{image.digest.slice(0, 19)}…</span> : <span aria-label="none">—</span>}
          </Cell>
          <Cell className="tabular-nums">
            <span title={exactBytes(image.size)}>{humanSize(image.size)}</span>
          </Cell>
          <Cell>
            <TimeAgo time={image.created} />
          </Cell>
        </tr>
      ))}
    </Table>
  );
}
