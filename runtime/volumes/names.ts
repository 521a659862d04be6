/** Volume names as the local driver accepts them (moby volume/local: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`). */
import { invalidArgument } from "../errors.js";

const VALID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function isValidVolumeName(name: string): boolean {
  return VALID.test(name) && name.length <= 255;
}

/** Throws InvalidArgument in Docker's words; `verb` is the operation ("create"). */
export function validateVolumeName(name: string, verb = "create"): string {
  if (!isValidVolumeName(name)) {
    throw invalidArgument(`${verb} ${name}: "${name}" includes invalid characters for a local volume name, only ` +
      `"[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
  return name;
}
