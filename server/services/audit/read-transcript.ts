/** One terminal session's transcript (./transcript-recorder.ts), as the replay player shows it. */
import type { Db } from "../../db";
import { ServiceError } from "../errors";

export async function readTranscript(db: Db, id: string) {
  const transcript = await db.execTranscript.findUnique({ where: { id } });
  if (!transcript) throw new ServiceError("NotFound", `No terminal transcript ${id}.`);
  return transcript;
}
