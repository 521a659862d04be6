/** The route table of the Docker Engine API as hakod serves it. */
import { buildImage } from "./build.js";
import { commitContainer } from "./commit.js";
import { attachContainer, attachContainerUpgraded } from "./container-attach.js";
import { exportContainer, getArchive, headArchive, putArchive } from "./container-archive.js";
import {
  containerChanges, pauseContainer, pruneContainers, renameContainer, restartContainer, topContainer,
  unpauseContainer, updateContainer,
} from "./container-lifecycle.js";
import { containerLogs } from "./container-logs.js";
import { containerStats } from "./container-stats.js";
import {
  createContainer, inspectContainer, killContainer, listContainers, removeContainer, resizeContainer,
  startContainer, stopContainer, waitContainer,
} from "./containers.js";
import { createImage, login, pushImageHandler, saveImages } from "./distribution.js";
import { getEvents } from "./events.js";
import { createExec, inspectExec, resizeExec, startExec, startExecUpgraded } from "./exec.js";
import { pruneImages } from "./image-prune.js";
import { imageHistory, inspectImage, listImages, loadImages, removeImage, tagImage } from "./images.js";
import type { Route } from "./router.js";
import { info, ping, version } from "./system.js";
import { systemDf } from "./system-df.js";
import {
  connectNetwork, createNetwork, disconnectNetwork, inspectNetwork, listNetworks, pruneNetworks, removeNetwork,
} from "./networks.js";
import { createVolume, inspectVolume, listVolumes, pruneVolumes, removeVolume } from "./volumes.js";

const C = "([^/]+)"; // a container ID or name
const NAME = "(.+)"; // an image name: greedy, it may contain "/" and ":"

const r = (method: string, pattern: string, handler: Route["handler"], upgrade?: Route["upgrade"]): Route => ({
  method, pattern: new RegExp(`^${pattern}$`), handler, ...(upgrade ? { upgrade } : {}),
});

export const routes: Route[] = [
  r("GET", "/_ping", ping),
  r("HEAD", "/_ping", ping),
  r("GET", "/version", version),
  r("GET", "/info", info),
  r("GET", "/events", getEvents),
  r("GET", "/system/df", systemDf),
  r("POST", "/auth", login),

  r("POST", "/build", buildImage),
  r("GET", "/images/json", listImages),
  r("POST", "/images/load", loadImages),
  r("POST", "/images/create", createImage),
  r("GET", "/images/get", saveImages),
  r("POST", "/images/prune", pruneImages),
  r("GET", `/images/${NAME}/json`, inspectImage),
  r("GET", `/images/${NAME}/history`, imageHistory),
  r("POST", `/images/${NAME}/tag`, tagImage),
  r("POST", `/images/${NAME}/push`, pushImageHandler),
  r("GET", `/images/${NAME}/get`, saveImages),
  r("DELETE", `/images/${NAME}`, removeImage),

  r("POST", "/containers/create", createContainer),
  r("GET", "/containers/json", listContainers),
  r("GET", `/containers/${C}/json`, inspectContainer),
  r("GET", `/containers/${C}/logs`, containerLogs),
  r("GET", `/containers/${C}/stats`, containerStats),
  r("POST", `/containers/${C}/start`, startContainer),
  r("POST", `/containers/${C}/stop`, stopContainer),
  r("POST", `/containers/${C}/kill`, killContainer),
  r("POST", `/containers/${C}/wait`, waitContainer),
  r("POST", `/containers/${C}/resize`, resizeContainer),
  r("POST", `/containers/${C}/attach`, attachContainer, attachContainerUpgraded),
  r("POST", `/containers/${C}/exec`, createExec),
  r("POST", `/exec/${C}/start`, startExec, startExecUpgraded),
  r("POST", `/exec/${C}/resize`, resizeExec),
  r("GET", `/exec/${C}/json`, inspectExec),
  r("POST", "/containers/prune", pruneContainers),
  r("POST", `/containers/${C}/restart`, restartContainer),
  r("POST", `/containers/${C}/pause`, pauseContainer),
  r("POST", `/containers/${C}/unpause`, unpauseContainer),
  r("POST", `/containers/${C}/rename`, renameContainer),
  r("POST", `/containers/${C}/update`, updateContainer),
  r("GET", `/containers/${C}/top`, topContainer),
  r("GET", `/containers/${C}/changes`, containerChanges),
  r("GET", `/containers/${C}/export`, exportContainer),
  r("HEAD", `/containers/${C}/archive`, headArchive),
  r("GET", `/containers/${C}/archive`, getArchive),
  r("PUT", `/containers/${C}/archive`, putArchive),
  r("POST", "/commit", commitContainer),
  r("DELETE", `/containers/${C}`, removeContainer),

  r("POST", "/volumes/create", createVolume),
  r("POST", "/volumes/prune", pruneVolumes),
  r("GET", "/volumes", listVolumes),
  r("GET", `/volumes/${C}`, inspectVolume),
  r("DELETE", `/volumes/${C}`, removeVolume),

  r("POST", "/networks/create", createNetwork),
  r("POST", "/networks/prune", pruneNetworks),
  r("GET", "/networks", listNetworks),
  r("GET", `/networks/${C}`, inspectNetwork),
  r("DELETE", `/networks/${C}`, removeNetwork),
  r("POST", `/networks/${C}/connect`, connectNetwork),
  r("POST", `/networks/${C}/disconnect`, disconnectNetwork),
];
