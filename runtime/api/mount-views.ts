/** A container's mounts as Docker shows them (`Mounts` of inspect and of the list: MountPoint). */
import type { ContainerRecord } from "../containers/container.js";
import type { Layout } from "../layout.js";
import { LOCAL_DRIVER } from "../volumes/volume.js";

export function mountPoints(rec: ContainerRecord, layout: Layout | null) {
  return (rec.mounts ?? []).map((m) => {
    if (m.type === "volume") {
      return {
        Type: "volume", Name: m.source, Source: layout ? layout.volumeData(m.source) : "", Destination: m.destination,
        Driver: m.driver ?? LOCAL_DRIVER, Mode: m.mode, RW: !m.readOnly, Propagation: "",
      };
    }
    if (m.type === "bind") {
      return { Type: "bind", Source: m.source, Destination: m.destination, Mode: m.mode, RW: !m.readOnly,
        Propagation: m.propagation };
    }
    return { Type: "tmpfs", Source: "", Destination: m.destination, Mode: m.mode, RW: !m.readOnly, Propagation: "" };
  });
}
