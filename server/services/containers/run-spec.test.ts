import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createBody, runInputSchema } from "./run-spec";
import { shellWords } from "./shell-words";
import { parseSize } from "./sizes";

const fieldErrors = (input: unknown) => {
  const result = runInputSchema.safeParse(input);
  if (result.success) return {};
  return z.flattenError(result.error).fieldErrors as Record<string, string[]>;
};

describe("the run form's input", () => {
  it("needs an image and nothing else", () => {
    expect(fieldErrors({ image: "" })).toEqual({ image: ["Choose an image."] });
    expect(fieldErrors({ image: "busybox" })).toEqual({});
  });

  it("says what is wrong next to each field", () => {
    const errors = fieldErrors({
      image: "busybox",
      name: "-bad",
      command: "sh -c 'unclosed",
      env: ["GOOD=1", "no equals sign"],
      workdir: "relative",
      user: "a b",
      volumes: ["/src:relative", "/a:/b:rx", "justone"],
      memory: "12zz",
      cpus: "0",
      pidsLimit: "1.5",
      restart: "always",
      maxRetries: "3",
      capAdd: ["NET_ADMIN", "rm -rf"],
      labels: ["=nokey"],
    });
    expect(Object.keys(errors).sort()).toEqual(["capAdd", "command", "cpus", "env", "labels", "maxRetries", "memory", "name", "pidsLimit", "user", "volumes", "workdir"]);
    expect(errors.command).toEqual(["The command has an unclosed single quote."]);
    expect(errors.memory).toEqual(["Write a size such as 256m or 1g."]);
    expect(errors.volumes).toHaveLength(3);
    expect(errors.maxRetries).toEqual(["Maximum retries apply only to the on-failure policy."]);
    expect(fieldErrors({ image: "busybox", memory: "1m" }).memory).toEqual(["The minimum memory limit is 6m."]);
  });

  it("becomes the Docker API's create body", () => {
    const spec = runInputSchema.parse({
      image: "busybox:latest",
      name: "web-1",
      command: `sh -c "echo \\"hi\\"; sleep 1"`,
      env: ["A=1", "SECRET=x=y"],
      workdir: "/srv",
      user: "1000:1000",
      volumes: ["/data:/data:ro", "cache:/cache"],
      memory: "256m",
      cpus: "1.5",
      pidsLimit: "64",
      restart: "on-failure",
      maxRetries: "3",
      readOnly: true,
      tty: true,
      init: true,
      capAdd: ["net_admin"],
      capDrop: ["ALL"],
      labels: ["team=web", "url=http://x?a=b"],
    });
    expect(createBody(spec)).toEqual({
      name: "web-1",
      Image: "busybox:latest",
      Cmd: ["sh", "-c", 'echo "hi"; sleep 1'],
      Env: ["A=1", "SECRET=x=y"],
      WorkingDir: "/srv",
      User: "1000:1000",
      Labels: { team: "web", url: "http://x?a=b" },
      Tty: true,
      OpenStdin: false,
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      HostConfig: {
        Binds: ["/data:/data:ro", "cache:/cache"],
        Memory: 256 * 1024 * 1024,
        NanoCpus: 1_500_000_000,
        PidsLimit: 64,
        RestartPolicy: { Name: "on-failure", MaximumRetryCount: 3 },
        ReadonlyRootfs: true,
        Init: true,
        Privileged: false,
        CapAdd: ["NET_ADMIN"],
        CapDrop: ["ALL"],
      },
    });
  });

  it("leaves the image's defaults alone when fields are empty", () => {
    const body = createBody(runInputSchema.parse({ image: "busybox" }));
    expect(body).not.toHaveProperty("Cmd");
    expect(body).not.toHaveProperty("name");
    expect(body.HostConfig).not.toHaveProperty("Memory");
    expect(body.HostConfig?.RestartPolicy).toEqual({ Name: "", MaximumRetryCount: 0 });
  });
});

describe("shell words", () => {
  it("splits like a POSIX shell, without expanding anything", () => {
    expect(shellWords(`  echo  'a b'  "c \\"d\\" $HOME" e\\ f ''`)).toEqual(["echo", "a b", 'c "d" $HOME', "e f", ""]);
    expect(shellWords("")).toEqual([]);
    expect(() => shellWords('echo "open')).toThrow("unclosed double quote");
    expect(() => shellWords("echo \\")).toThrow("lone backslash");
  });
});

describe("sizes", () => {
  it("reads docker's units as binary multiples", () => {
    expect(parseSize("512")).toBe(512);
    expect(parseSize("64k")).toBe(65536);
    expect(parseSize("256m")).toBe(268435456);
    expect(parseSize("1.5G")).toBe(1610612736);
    expect(parseSize("2gb")).toBe(2147483648);
    expect(parseSize("12zz")).toBeNull();
    expect(parseSize("-1m")).toBeNull();
  });
});
