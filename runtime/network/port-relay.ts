/**
 * The kernel relay of published TCP ports: a connection that turns out to be a bulk transfer is handed from the Node
 * proxy (ports.ts) to its own `hako-port-relay` process (runtime/native/README-port-relay.md), which moves the bytes
 * with splice(2) instead of copying them through Node.
 *
 * The rule: a connection starts in Node (accepting, connecting to the container, short exchanges: a fork and exec per
 * connection would cost more than it saves); once it has carried RELAY_AFTER bytes, both directions together, and
 * neither side has been shut down for writing yet, Node stops reading, writes out what it still holds, and passes
 * both sockets to a new relay as its fds 0 (client) and 1 (container). Without the binary everything stays in Node.
 */
import { accessSync, constants } from "node:fs";
import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";

/** Bytes a connection carries in Node before it moves to a relay. */
export const RELAY_AFTER = 512 * 1024;

/** The relay binary (HAKO_PORT_RELAY, else the one `make -C runtime/native` builds), or undefined when it is missing. */
export function relayBinary(): string | undefined {
  const file = process.env.HAKO_PORT_RELAY ?? fileURLToPath(new URL("../native/out/hako-port-relay", import.meta.url));
  try {
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    return undefined;
  }
}

/** Node's own read switch of a socket it accepted (net.Socket stops reading only at its buffer's high-water mark). */
interface ReadingHandle {
  reading: boolean;
  readStop(): number;
}

function stopReading(s: Socket): void {
  const handle = (s as unknown as { _handle: ReadingHandle | null })._handle;
  if (handle?.reading) {
    handle.reading = false;
    handle.readStop();
  }
}

/**
 * Moves one connection to a relay: `client` must no longer be piped to `upstream`, and `upstream`'s reads must not
 * resume it. Calls `back` when the connection has to stay in Node after all (a side shut down for writing meanwhile,
 * or the spawn failed); else destroys Node's sockets (the relay holds its own copies) and calls `moved` with it.
 */
export function handOff(binary: string, client: Socket, upstream: Socket,
  moved: (relay: ChildProcess) => void, back: () => void): void {
  const settle = (): void => {
    // what Node read from the client but did not pass on yet goes first (read() may ask for more: stopped below)
    for (let chunk: unknown = client.read(); chunk !== null; chunk = client.read()) {
      if (!upstream.writableEnded) upstream.write(chunk as Buffer);
    }
    client.pause();
    stopReading(client);
    upstream.pause();
    if (client.destroyed || upstream.destroyed) return;
    if (client.writableLength > 0) return void client.once("drain", settle);
    if (upstream.writableLength > 0) return void upstream.once("drain", settle);
    if (client.writableEnded || upstream.writableEnded) return back();
    const relay = spawn(binary, [], { stdio: [client, upstream, "ignore"] });
    relay.on("error", () => undefined);
    if (relay.pid === undefined) return back();
    relay.unref();
    client.destroy();
    upstream.destroy();
    moved(relay);
  };
  settle();
}
