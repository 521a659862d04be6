/** What names a container in a request: its ID (full or a unique prefix) or its name, as the Docker API accepts. */
import { z } from "zod";

export const containerIdSchema = z
  .string()
  .trim()
  .min(1, "Name a container.")
  .max(256)
  .regex(/^\/?[A-Za-z0-9][A-Za-z0-9_.-]*$/, "A container is named by its ID or its name.");

export const containerRef = z.object({ id: containerIdSchema });
