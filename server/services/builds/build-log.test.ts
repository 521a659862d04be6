import { describe, expect, it } from "vitest";
import { BuildLog, LOG_LIMIT_CHARS } from "./build-log";

function clock() {
  let now = 0;
  return { tick: (ms: number) => (now += ms), read: () => now };
}

describe("build log", () => {
  it("turns the engine's messages into steps with their cache hit and duration, and ends with the image", () => {
    const time = clock();
    const log = new BuildLog(time.read);
    log.push({ stream: "Step 1/3 : FROM busybox:1.38.0-glibc\n" });
    log.push({ stream: " ---> 3f57d9401f8d\n" });
    time.tick(5);
    log.push({ stream: "Step 2/3 : RUN echo built > /x\n ---> Using cache\n ---> 1a2b3c4d5e6f\n" });
    time.tick(10);
    log.push({ stream: "Step 3/3 : COPY app.txt /app.txt\n" });
    log.push({ stream: " ---> 9f8e" }); // a line split across messages
    log.push({ stream: "7d6c5b4a\n" });
    time.tick(30);
    log.push({ aux: { ID: "sha256:abc" } });
    log.push({ stream: "Successfully built abc\n" });
    log.end();

    expect(log.steps.map(({ n, total, instruction, cached, durationMs }) => ({ n, total, instruction, cached, durationMs }))).toEqual([
      { n: 1, total: 3, instruction: "FROM busybox:1.38.0-glibc", cached: false, durationMs: 5 },
      { n: 2, total: 3, instruction: "RUN echo built > /x", cached: true, durationMs: 10 },
      { n: 3, total: 3, instruction: "COPY app.txt /app.txt", cached: false, durationMs: 30 },
    ]);
    expect(log.lines).toContain(" ---> 9f8e7d6c5b4a");
    expect(log.imageId).toBe("sha256:abc");
    expect(log.failure).toBeNull();
  });

  it("names the failing step, its last output lines and the RUN's exit code", () => {
    const log = new BuildLog(() => 0);
    log.push({ stream: "Step 1/2 : FROM busybox\n ---> 3f57d9401f8d\nStep 2/2 : RUN echo about to fail; exit 3\n ---> Running in 0123456789ab\n" });
    log.push({ stream: "about to fail\n" });
    const message = "The command '/bin/sh -c echo about to fail; exit 3' returned a non-zero code: 3";
    log.push({ errorDetail: { message }, error: message });
    log.end();
    expect(log.failure).toEqual({ message, step: "Step 2/2 : RUN echo about to fail; exit 3", exitCode: 3, output: ["about to fail"] });
    expect(log.text()).toContain(`ERROR: ${message}`);
  });

  it("a stream that ends without an image ID, or breaks, is a failure", () => {
    const quiet = new BuildLog(() => 0);
    quiet.end();
    expect(quiet.failure?.message).toMatch(/without an image ID/);
    const broken = new BuildLog(() => 0);
    broken.end("Engine unreachable at unix:///x.sock: connection refused");
    expect(broken.failure).toMatchObject({ message: "Engine unreachable at unix:///x.sock: connection refused", step: null, exitCode: null });
  });

  it("keeps the log under its cap by dropping the oldest lines, and counts them", () => {
    const log = new BuildLog(() => 0);
    const line = "x".repeat(999);
    for (let i = 0; i < LOG_LIMIT_CHARS / 1000 + 50; i++) log.push({ stream: `${line}\n` });
    expect(log.dropped).toBeGreaterThanOrEqual(50);
    expect(log.text().length).toBeLessThanOrEqual(LOG_LIMIT_CHARS + 1);
  });
});
