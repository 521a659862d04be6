/** `export` (GET /containers/{id}/export): a tar of the container's merged root filesystem, running or not. */
import type { Readable } from "node:stream";
import { pack as tarPack } from "tar-stream";
import type { ManagerState } from "./manager-state.js";
import { withRootfs } from "./rootfs-access.js";
import { TreePacker } from "./tree-tar.js";

/** `send` gets the tar stream and resolves once it has delivered it (the rootfs stays available until then). */
export function exportContainer(m: ManagerState, ref: string, send: (tar: Readable) => Promise<void>): Promise<void> {
  const live = m.registry.find(ref);
  return withRootfs(m, live, "read", async (rootfs) => {
    const pack = tarPack();
    const packing = (async () => {
      await new TreePacker(pack).add(rootfs, "");
      pack.finalize();
    })().catch((err: Error) => {
      pack.destroy(err);
    });
    await Promise.all([send(pack as unknown as Readable), packing]);
  });
}
