/** The checkout `hako` runs from: bin/hakod, the Next.js app and its build all live relative to it. */
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
