"use client";
/**
 * The run form's "Network and ports" fieldset: the network the container joins (the engine's networks: bridge, host,
 * none and the user's), an alias and a fixed address on a user network, published port rows (`-p`) and "publish all
 * exposed" (`-P`). `readNetworking` reads them back from the submitted form.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { RunInput } from "@/server/services/containers/run-spec";
import { BUILTIN_NETWORKS } from "@/server/services/networks/network-input";
import { protocols } from "@/server/services/networks/published-ports";
import type { FormErrors } from "../../_lib/form-errors";
import { useTRPC } from "../../_trpc/client";
import { buttonClass } from "../confirm-dialog";
import { Checkbox, Input, Select } from "./fields";

type Networking = Pick<RunInput, "network" | "networkAliases" | "ip" | "ports" | "publishAll">;

const cellClass = "w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";

export function readNetworking(form: FormData): Networking {
  const all = (name: string) => form.getAll(name).map((v) => String(v).trim());
  const containerPorts = all("portContainer");
  const [hostIps, hostPorts, protos] = [all("portHostIp"), all("portHost"), all("portProto")];
  return {
    network: String(form.get("network") ?? ""),
    networkAliases: String(form.get("networkAliases") ?? "").split(/[\s,]+/).filter(Boolean),
    ip: String(form.get("ip") ?? ""),
    // A row left entirely empty is no port; any other row is checked by the server.
    ports: containerPorts
      .map((containerPort, i) => ({ hostIp: hostIps[i] ?? "", hostPort: hostPorts[i] ?? "", containerPort, proto: (protos[i] ?? "tcp") as "tcp" | "udp" }))
      .filter((row) => row.containerPort || row.hostPort || row.hostIp),
    publishAll: form.get("publishAll") === "on",
  };
}

export function NetworkingFields({ errors }: { errors: FormErrors["fields"] }) {
  const trpc = useTRPC();
  const networks = useQuery(trpc.networks.list.queryOptions());
  const [network, setNetwork] = useState("");
  const [rows, setRows] = useState<number[]>([]);
  const [nextRow, setNextRow] = useState(0);
  const userNetworks = (networks.data ?? []).filter((n) => !n.builtin);
  const onUserNetwork = network !== "" && !(BUILTIN_NETWORKS as readonly string[]).includes(network);
  const noPorts = network === "host" || network === "none";

  return (
    <fieldset className="grid gap-4 md:grid-cols-3">
      <legend className="mb-2 text-sm font-semibold">Network and ports</legend>
      <Select label="Network" name="network" value={network} onChange={(e) => setNetwork(e.target.value)} error={errors.network}
        hint={networks.isError ? `Could not load the networks: ${networks.error.message}` : "User networks resolve their containers by name."}>
        <option value="">default (bridge)</option>
        {BUILTIN_NETWORKS.map((name) => <option key={name} value={name}>{name}</option>)}
        {userNetworks.length > 0 && (
          <optgroup label="User networks">
            {userNetworks.map((n) => <option key={n.id} value={n.name}>{n.name}{n.subnet ? ` (${n.subnet})` : ""}</option>)}
          </optgroup>
        )}
      </Select>
      <Input label="Network aliases" name="networkAliases" autoComplete="off" placeholder="api db" disabled={!onUserNetwork} error={errors.networkAliases}
        hint={onUserNetwork ? "Other names it answers to on this network." : "Only on a user network."} />
      <Input label="IPv4 address" name="ip" autoComplete="off" placeholder="next free" disabled={!onUserNetwork} error={errors.ip}
        hint={onUserNetwork ? "A fixed address inside the network's subnet." : "Only on a user network."} />

      <div className="flex flex-col gap-2 md:col-span-3">
        <p className="text-sm font-medium" id="ports-title">Published ports</p>
        {rows.length > 0 && (
          <table aria-labelledby="ports-title" className="w-full max-w-2xl text-left text-sm">
            <thead className="text-xs text-zinc-500">
              <tr><th className="pr-2 font-medium">Host IP</th><th className="pr-2 font-medium">Host port</th><th className="pr-2 font-medium">Container port</th><th className="pr-2 font-medium">Protocol</th><th /></tr>
            </thead>
            <tbody>
              {rows.map((key, i) => (
                <tr key={key}>
                  <td className="py-1 pr-2"><input name="portHostIp" aria-label={`Port ${i + 1} host IP`} placeholder="all addresses" autoComplete="off" className={cellClass} /></td>
                  <td className="py-1 pr-2"><input name="portHost" aria-label={`Port ${i + 1} host port`} placeholder="free port" inputMode="numeric" autoComplete="off" className={cellClass} /></td>
                  <td className="py-1 pr-2"><input name="portContainer" aria-label={`Port ${i + 1} container port`} placeholder="80" inputMode="numeric" autoComplete="off" className={cellClass} /></td>
                  <td className="py-1 pr-2">
                    <select name="portProto" aria-label={`Port ${i + 1} protocol`} className={cellClass}>
                      {protocols.map((p) => <option key={p}>{p}</option>)}
                    </select>
                  </td>
                  <td className="py-1">
                    <button type="button" aria-label={`Remove port ${i + 1}`} className={buttonClass("secondary")} onClick={() => setRows(rows.filter((r) => r !== key))}>Remove</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {errors.ports && <p id="ports-error" className="text-sm text-red-700 dark:text-red-400">{errors.ports}</p>}
        <div className="flex flex-wrap items-center gap-4">
          <button type="button" className={buttonClass("secondary")} disabled={noPorts} title={noPorts ? `No published ports with the ${network} network.` : undefined}
            onClick={() => { setRows([...rows, nextRow]); setNextRow(nextRow + 1); }}>
            Add port
          </button>
          <Checkbox label="Publish all exposed ports (-P)" name="publishAll" disabled={noPorts} />
        </div>
        <p className="text-xs text-zinc-500">Like <code>-p [ip:][host:]container[/proto]</code>: a port from 1 to 65535 or a range such as 8000-8009. An empty host port gets a free one.</p>
      </div>
    </fieldset>
  );
}
