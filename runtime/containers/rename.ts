/** `rename`: a new unique name for a container in any state (its hostname stays, as with dockerd). */
import { invalidArgument } from "../errors.js";
import { containerEvent } from "../events/container-events.js";
import type { ManagerState } from "./manager-state.js";
import { validateName } from "./names.js";

export async function renameContainer(m: ManagerState, ref: string, newName: string): Promise<void> {
  if (!newName) throw invalidArgument("Neither old nor new names may be empty");
  const live = m.registry.find(ref);
  const name = validateName(newName);
  const old = live.record.name;
  if (name === old) throw invalidArgument("Renaming a container with the same name as its current name");
  // checked and taken synchronously: two renames to one name cannot both pass
  m.registry.assertNameFree(name);
  m.registry.rename(live, name);
  try {
    await m.deps.store.save(live.record);
  } catch (err) {
    m.registry.rename(live, old);
    throw err;
  }
  live.events.emit("rename", old);
  m.deps.events?.publish(containerEvent(live.record, "rename", { oldName: `/${old}` }));
}
