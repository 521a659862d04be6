/** The route table of the Docker Engine API as hakod serves it. */
import { attachContainer, attachContainerUpgraded } from "./container-attach.js";
import { containerLogs } from "./container-logs.js";
import {
  createContainer, inspectContainer, killContainer, listContainers, removeContainer, resizeContainer,
  startContainer, stopContainer, waitContainer,
} from "./containers.js";
import { createImage, imageHistory, inspectImage, listImages, loadImages, removeImage, tagImage } from "./images.js";
import type { Route } from "./router.js";
import { info, ping, version } from "./system.js";

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

  r("GET", "/images/json", listImages),
  r("POST", "/images/load", loadImages),
  r("POST", "/images/create", createImage),
  r("GET", `/images/${NAME}/json`, inspectImage),
  r("GET", `/images/${NAME}/history`, imageHistory),
  r("POST", `/images/${NAME}/tag`, tagImage),
  r("DELETE", `/images/${NAME}`, removeImage),

  r("POST", "/containers/create", createContainer),
  r("GET", "/containers/json", listContainers),
  r("GET", `/containers/${C}/json`, inspectContainer),
  r("GET", `/containers/${C}/logs`, containerLogs),
  r("POST", `/containers/${C}/start`, startContainer),
  r("POST", `/containers/${C}/stop`, stopContainer),
  r("POST", `/containers/${C}/kill`, killContainer),
  r("POST", `/containers/${C}/wait`, waitContainer),
  r("POST", `/containers/${C}/resize`, resizeContainer),
  r("POST", `/containers/${C}/attach`, attachContainer, attachContainerUpgraded),
  r("DELETE", `/containers/${C}`, removeContainer),
];
