import { describe, expect, it } from "vitest";
import { applyChanges } from "./image-changes.js";

describe("docker import --change", () => {
  it("applies the config instructions", () => {
    expect(applyChanges({ Env: ["A=1"] }, [
      'CMD ["echo", "hi"]', "ENTRYPOINT /bin/run --x", "ENV A=2 B=\"two words\"", "ENV C three words", "LABEL team=core other='x y'",
      "EXPOSE 80 53/udp", 'VOLUME ["/data"]', "USER nobody", "WORKDIR /srv", "STOPSIGNAL SIGINT", "ONBUILD RUN x",
    ])).toEqual({
      Env: ["A=2", "B=two words", "C=three words"],
      Cmd: ["echo", "hi"],
      Entrypoint: ["/bin/sh", "-c", "/bin/run --x"],
      Labels: { team: "core", other: "x y" },
      ExposedPorts: { "80/tcp": {}, "53/udp": {} },
      Volumes: { "/data": {} },
      User: "nobody",
      WorkingDir: "/srv",
      StopSignal: "SIGINT",
    });
  });

  it("refuses instructions that are not config changes, and bad arguments", () => {
    expect(() => applyChanges({}, ["RUN echo"])).toThrow("run is not a valid change command");
    expect(() => applyChanges({}, ["FROM x"])).toThrow("from is not a valid change command");
    expect(() => applyChanges({}, ["EXPOSE http"])).toThrow(/invalid containerPort/);
    expect(() => applyChanges({}, ["USER"])).toThrow(/requires exactly one argument/);
  });
});
