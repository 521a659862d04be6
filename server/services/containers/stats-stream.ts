/** A running container's resource use, one sample per engine read (about one a second), for the Stats tab. */
import { engineCall, type Engine } from "../../engine/client";
import { chunksOf, jsonDocumentsOf } from "../../engine/streams";
import { statsSample, type EngineStats, type StatsSample } from "./stats-sample";

export async function* streamStats(target: Engine, id: string, signal?: AbortSignal): AsyncGenerator<StatsSample> {
  const stream = await engineCall(target, (docker) => docker.getContainer(id).stats({ stream: true }), { patient: true });
  for await (const stats of jsonDocumentsOf<EngineStats>(chunksOf(target, stream, signal))) {
    yield statsSample(stats);
  }
}
