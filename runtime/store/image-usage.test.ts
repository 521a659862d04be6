import { describe, expect, it } from "vitest";
import type { ImageRecord } from "./image-store.js";
import { imageUsage } from "./image-usage.js";

const layer = (chainId: string, size: number) => ({ diffId: chainId, chainId, digest: chainId, mediaType: "", size });
const image = (id: string, layers: ReturnType<typeof layer>[]): ImageRecord => ({
  id, manifestDigest: id, configDigest: id, config: {}, layers, size: layers.reduce((n, l) => n + l.size, 0), loadedAt: "",
});

describe("disk usage of images", () => {
  it("counts each layer once and tells what each image shares with others", () => {
    const base = layer("base", 1000);
    const u = imageUsage([
      image("a", [base, layer("a1", 10)]),
      image("b", [base, layer("b1", 20), layer("b2", 30)]),
      image("c", [layer("c1", 5)]),
    ]);
    expect(u.layersSize).toBe(1000 + 10 + 20 + 30 + 5);
    expect(Object.fromEntries(u.sharedSize)).toEqual({ a: 1000, b: 1000, c: 0 });
  });

  it("is empty without images", () => {
    expect(imageUsage([])).toEqual({ layersSize: 0, sharedSize: new Map() });
  });
});
