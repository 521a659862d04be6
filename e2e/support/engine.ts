/**
 * The test's own Docker API client against the private hakod: what a user of the stock docker CLI or dockerode would do
 * in another terminal while the console is open.
 */
import { createReadStream } from "node:fs";
import Docker from "dockerode";
import { busyboxOciArchive } from "../../runtime/testing/fixtures";

export const BUSYBOX = "busybox:1.38.0-glibc";

export function engineClient(): Docker {
  const host = process.env.HAKO_E2E_ENGINE;
  if (!host?.startsWith("unix://")) throw new Error("HAKO_E2E_ENGINE is not set; run through playwright.config.ts");
  return new Docker({ socketPath: host.slice("unix://".length) });
}

/**
 * `docker load` of the busybox OCI layout (`tar -C $HAKO_FIXTURES/images/busybox-glibc-oci -cf - .`, or the equivalent
 * built from Debian's busybox-static where the shared fixtures are absent), streamed to POST /images/load.
 */
export async function loadBusybox(docker: Docker): Promise<void> {
  const response = await docker.loadImage(createReadStream(await busyboxOciArchive()));
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(response, (err: Error | null, events: { error?: string }[]) => {
      const failed = err ?? events.find((event) => event.error);
      if (failed) reject(failed instanceof Error ? failed : new Error(failed.error));
      else resolve();
    }),
  );
}

/** `docker run` in the foreground: create, start, wait; returns the container and its exit code. */
export async function runToExit(docker: Docker, name: string, cmd: string[]): Promise<{ id: string; exitCode: number }> {
  const container = await docker.createContainer({ name, Image: BUSYBOX, Cmd: cmd });
  await container.start();
  const { StatusCode } = (await container.wait()) as { StatusCode: number };
  return { id: container.id, exitCode: StatusCode };
}
