/**
 * GET /system/df: disk usage by images (with how many containers use each and what they share), containers (their
 * writable layer `SizeRw`, and `SizeRootFs` with the image), volumes (size and how many containers use each) and the
 * build cache (none kept apart from images yet), as `docker system df [-v]` reads it.
 */
import { directorySize } from "../containers/dir-size.js";
import { imageUsage } from "../store/image-usage.js";
import { ContainerMounts } from "../volumes/container-mounts.js";
import { containerSummary } from "./container-views.js";
import { imageSummary } from "./images.js";
import { sendJson, type Ctx } from "./http.js";

export async function systemDf(ctx: Ctx): Promise<void> {
  const { engine } = ctx;
  const containers = engine.containers.list();
  const images = await engine.images.list();
  const usage = imageUsage(images);
  const containersOf = new Map<string, number>();
  for (const c of containers) containersOf.set(c.imageId, (containersOf.get(c.imageId) ?? 0) + 1);
  const imageSize = new Map(images.map((i) => [i.id, i.size]));
  const now = Date.now();

  const containerRows = await Promise.all(containers.map(async (c) => {
    const sizeRw = await directorySize(engine.layout.upperDir(c.id));
    return { ...containerSummary(c, now), SizeRw: sizeRw, SizeRootFs: sizeRw + (imageSize.get(c.imageId) ?? 0) };
  }));
  const volumes = engine.volumes ? await engine.volumes.list() : [];
  const volumeRows = await Promise.all(volumes.map(async (v) => ({
    Name: v.name,
    Driver: v.driver,
    Mountpoint: v.mountpoint,
    CreatedAt: v.createdAt,
    Labels: v.labels,
    Scope: "local",
    Options: v.options,
    UsageData: {
      Size: await engine.volumes.size(v.name).catch(() => -1),
      RefCount: ContainerMounts.users(() => containers, v.name).length,
    },
  })));

  sendJson(ctx.res, 200, {
    LayersSize: usage.layersSize,
    Images: images.map((i) => ({
      ...imageSummary(i),
      SharedSize: usage.sharedSize.get(i.id) ?? 0,
      Containers: containersOf.get(i.id) ?? 0,
    })),
    Containers: containerRows,
    Volumes: volumeRows,
    BuildCache: [],
  });
}
