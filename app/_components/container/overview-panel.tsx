/** The Overview tab: what the container is and how it was run, read from its inspect document. */
import Link from "next/link";
import type { ReactNode } from "react";
import type { ContainerOverview } from "@/server/services/containers/container-overview";
import { exactBytes, humanSize, shortId } from "../../_lib/format";
import { TimeAgo } from "../time-ago";
import { PublishedPorts } from "./published-ports";

const none = <span className="text-zinc-500">none</span>;

export function OverviewPanel({ container: c, envVisible }: { container: ContainerOverview; envVisible: boolean }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Section title="State">
        <Row label="State">
          {c.state}
          {c.exitCode !== null && <> · exit code <span className="font-semibold tabular-nums">{c.exitCode}</span></>}
          {c.oomKilled && <span className="ml-2 text-red-700 dark:text-red-400">killed: out of memory</span>}
        </Row>
        {c.error && <Row label="Error"><span className="text-red-700 dark:text-red-400">{c.error}</span></Row>}
        <Row label="Created"><TimeAgo time={c.created} /></Row>
        <Row label="Started">{c.startedAt ? <TimeAgo time={c.startedAt} /> : none}</Row>
        {!c.running && c.finishedAt && <Row label="Finished"><TimeAgo time={c.finishedAt} /></Row>}
        <Row label="Restart policy">
          {c.restartPolicy.name}
          {c.restartPolicy.name === "on-failure" && c.restartPolicy.maxRetries > 0 && ` (max ${c.restartPolicy.maxRetries})`}
          {c.restartCount > 0 && ` · restarted ${c.restartCount}×`}
        </Row>
        <Row label="Health">
          {c.health ? (
            <span title={c.health.lastOutput ?? undefined}>
              {c.health.status}
              {c.health.failingStreak > 0 && ` · ${c.health.failingStreak} failing in a row`}
            </span>
          ) : (
            <span className="text-zinc-500">no health check</span>
          )}
        </Row>
      </Section>

      <Section title="Process">
        <Row label="Image">
          <span className="font-mono text-xs">{c.image}</span> <span className="font-mono text-xs text-zinc-500" title={c.imageId}>({shortId(c.imageId)})</span>
        </Row>
        <Row label="Command"><code className="break-all font-mono text-xs">{c.command.map(quote).join(" ") || "—"}</code></Row>
        <Row label="User">{c.user || <span className="text-zinc-500">image default</span>}</Row>
        <Row label="Working dir">{c.workdir ? <code className="font-mono text-xs">{c.workdir}</code> : <span className="text-zinc-500">image default</span>}</Row>
        <Row label="TTY">{c.tty ? "yes" : "no"}</Row>
        <Row label="Init">{c.init ? "yes" : "no"}</Row>
      </Section>

      <Section title="Resources and security">
        <Row label="Memory">{c.limits.memory ? <span title={exactBytes(c.limits.memory)}>{humanSize(c.limits.memory)}</span> : "unlimited"}</Row>
        <Row label="CPUs">{c.limits.nanoCpus ? (c.limits.nanoCpus / 1e9).toString() : "unlimited"}</Row>
        <Row label="PIDs limit">{c.limits.pidsLimit ?? "unlimited"}</Row>
        <Row label="Root filesystem">{c.readOnly ? "read-only" : "writable"}</Row>
        <Row label="Privileged">{c.privileged ? <span className="font-semibold text-amber-700 dark:text-amber-400">yes</span> : "no"}</Row>
        <Row label="Capabilities">
          {c.capAdd.length || c.capDrop.length ? (
            <span className="font-mono text-xs">
              {c.capAdd.map((cap) => `+${cap}`).join(" ")} {c.capDrop.map((cap) => `−${cap}`).join(" ")}
            </span>
          ) : (
            "defaults"
          )}
        </Row>
      </Section>

      <Section title="Ports and mounts">
        <Row label="Networks">
          {c.networks.length
            ? c.networks.map((n) => (
                <div key={n.id} className="text-xs">
                  <Link href={`/networks/${encodeURIComponent(n.id)}`} className="hover:underline">{n.name}</Link>
                  {n.ipv4 && <span className="ml-2 font-mono text-zinc-500">{n.ipv4}</span>}
                </div>
              ))
            : none}
        </Row>
        <Row label="Published ports"><PublishedPorts ports={c.published} empty="none" /></Row>
        <Row label="Exposed only">
          {c.ports.some((p) => !p.host) ? c.ports.filter((p) => !p.host).map((p) => <div key={p.container} className="font-mono text-xs">{p.container}</div>) : none}
        </Row>
        <Row label="Mounts">
          {c.mounts.length
            ? c.mounts.map((m) => (
                <div key={m.destination} className="font-mono text-xs">
                  {m.type} {m.source} → {m.destination}
                  {m.readOnly && " (ro)"}
                </div>
              ))
            : none}
        </Row>
      </Section>

      <Section title="Labels" free>
        <KeyValues entries={c.labels} empty="No labels." />
      </Section>

      <Section title="Environment" free>
        {!envVisible && <p className="mb-2 text-xs text-zinc-500">Values are hidden: your role may not read them (container.env.read).</p>}
        <KeyValues entries={c.env.map((e) => [e.name, e.value] as [string, string | null])} empty="No environment variables." />
      </Section>
    </div>
  );
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/** A titled card; its children are Rows unless `free` (then any content). */
function Section({ title, free, children }: { title: string; free?: boolean; children: ReactNode }) {
  return (
    <section aria-label={title} className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <h2 className="mb-3 text-sm font-semibold">{title}</h2>
      {free ? children : <dl className="grid grid-cols-[9rem_1fr] gap-x-4 gap-y-2 text-sm">{children}</dl>}
    </section>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0">{children}</dd>
    </>
  );
}

function KeyValues({ entries, empty }: { entries: [string, string | null][]; empty: string }) {
  if (!entries.length) return <p className="text-sm text-zinc-500">{empty}</p>;
  return (
    <dl className="grid grid-cols-[minmax(0,12rem)_1fr] gap-x-4 gap-y-1 font-mono text-xs">
      {entries.map(([key, value]) => (
        <div key={key} className="contents">
          <dt className="truncate" title={key}>{key}</dt>
          <dd className="break-all">{value === null ? <span aria-label="hidden" className="text-zinc-400">••••••</span> : value}</dd>
        </div>
      ))}
    </dl>
  );
}
