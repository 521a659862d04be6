/**
 * Chain IDs: the identity of a layer together with everything below it.
 *
 * chainID(L0) = diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln)) (OCI image spec, config.md).
 * Two images sharing their bottom layers share those chain IDs and so the unpacked snapshots.
 */
import { digestOf } from "../store/digest.js";

export function chainIdOf(parentChainId: string | null, diffId: string): string {
  return parentChainId === null ? diffId : digestOf(`${parentChainId} ${diffId}`);
}

/** Chain IDs of a stack of layers given bottom first. */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  let parent: string | null = null;
  for (const diffId of diffIds) {
    parent = chainIdOf(parent, diffId);
    out.push(parent);
  }
  return out;
}
