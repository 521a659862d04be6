"use client";
/**
 * A container's published ports as `docker ps` words them (`0.0.0.0:8080→80/tcp`); a TCP port is also a link that
 * opens it: at the console's own host name when the port listens on every address, else at the address it listens on.
 */
import { useSyncExternalStore } from "react";
import { publishedPortText, publishedPortUrl, type PublishedPort } from "@/server/services/networks/published-ports";

const noSubscription = () => () => undefined;

/** The host name the browser reached the console at (published ports on every address are there too). */
function useConsoleHost(): string {
  return useSyncExternalStore(noSubscription, () => window.location.hostname, () => "localhost");
}

export function PublishedPorts({ ports, empty }: { ports: PublishedPort[]; empty?: string }) {
  const host = useConsoleHost();
  if (!ports.length) return empty ? <span className="text-zinc-500">{empty}</span> : null;
  return (
    <ul className="flex flex-col gap-0.5 font-mono text-xs">
      {ports.map((port) => {
        const text = publishedPortText(port);
        const url = publishedPortUrl(port, host);
        return (
          <li key={text}>
            {url ? (
              <a href={url} target="_blank" rel="noreferrer" title={`Open ${url}`} className="text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
                {text}
              </a>
            ) : (
              text
            )}
          </li>
        );
      })}
    </ul>
  );
}
