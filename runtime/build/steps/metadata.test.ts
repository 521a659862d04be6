import { describe, expect, it } from "vitest";
import { parseInstruction } from "../dockerfile/instructions.js";
import type { RunConfig } from "../state.js";
import { metadataChange } from "./metadata.js";

const vars = new Map([["V", "1.2"], ["DIR", "/opt"]]);
function apply(lines: string[], start: RunConfig = {}): RunConfig {
  const config = structuredClone(start);
  let cmdSet = false;
  lines.forEach((line, i) => {
    const ins = parseInstruction(line, i + 1);
    metadataChange(ins, vars, "\\", cmdSet).apply(config);
    if (ins.keyword === "CMD") cmdSet = true;
  });
  return config;
}

describe("metadata instructions", () => {
  it("ENV and LABEL take key=value pairs with quotes and substitution, and the legacy one-pair form", () => {
    const c = apply(['ENV A=$V B="two words" C=${NOPE:-dflt}', "ENV LEGACY value with spaces", 'LABEL "x.y"="z" v=$V']);
    expect(c.Env).toEqual(["A=1.2", "B=two words", "C=dflt", "LEGACY=value with spaces"]);
    expect(c.Labels).toEqual({ "x.y": "z", v: "1.2" });
  });

  it("WORKDIR resolves relative paths against the previous one; USER and STOPSIGNAL are substituted", () => {
    expect(apply(["WORKDIR $DIR", "WORKDIR app/../src", "USER 1000:$V", "STOPSIGNAL SIGQUIT"])).toEqual({
      WorkingDir: "/opt/src", User: "1000:1.2", StopSignal: "SIGQUIT",
    });
  });

  it("CMD and ENTRYPOINT: exec form as given, shell form through SHELL; ENTRYPOINT resets an inherited CMD", () => {
    expect(apply(['SHELL ["/bin/bash", "-c"]', "CMD echo $HOME"]).Cmd).toEqual(["/bin/bash", "-c", "echo $HOME"]);
    expect(apply(['ENTRYPOINT ["/e"]'], { Cmd: ["inherited"] })).toEqual({ Entrypoint: ["/e"], Cmd: null });
    expect(apply(['CMD ["x"]', 'ENTRYPOINT ["/e"]'])).toEqual({ Cmd: ["x"], Entrypoint: ["/e"] });
  });

  it("EXPOSE expands ranges and protocols; VOLUME takes JSON or words", () => {
    const c = apply(["EXPOSE 80 53/udp 8000-8001/tcp", 'VOLUME ["/data"]', "VOLUME /a $DIR"]);
    expect(Object.keys(c.ExposedPorts ?? {})).toEqual(["80/tcp", "53/udp", "8000/tcp", "8001/tcp"]);
    expect(Object.keys(c.Volumes ?? {})).toEqual(["/data", "/a", "/opt"]);
  });

  it("HEALTHCHECK with options, and NONE", () => {
    expect(apply(["HEALTHCHECK --interval=1m30s --timeout=500ms --retries=2 CMD curl -f http://x/"]).Healthcheck).toEqual({
      Test: ["CMD-SHELL", "curl -f http://x/"], Interval: 90e9, Timeout: 500e6, Retries: 2,
    });
    expect(apply(['HEALTHCHECK CMD ["true"]']).Healthcheck).toEqual({ Test: ["CMD", "true"] });
    expect(apply(["HEALTHCHECK NONE"]).Healthcheck).toEqual({ Test: ["NONE"] });
  });

  it("ONBUILD records triggers but refuses FROM, MAINTAINER and ONBUILD", () => {
    expect(apply(["ONBUILD RUN make", "ONBUILD COPY . /src"]).OnBuild).toEqual(["RUN make", "COPY . /src"]);
    expect(() => apply(["ONBUILD FROM x"])).toThrow(/FROM isn't allowed as an ONBUILD trigger/);
  });

  it.each([["EXPOSE 99999"], ["SHELL /bin/sh"], ["STOPSIGNAL $(kill)"], ["HEALTHCHECK --interval=soon CMD x"]])("refuses %s", (line) => {
    expect(() => apply([line])).toThrow();
  });
});
