import { describe, expect, it } from "vitest";
import type { Principal } from "../../auth/principal";
import { ServiceError } from "../errors";
import { claimExecSession, rememberExecSession } from "./exec-session";

const alice: Principal = { kind: "user", id: "u-alice", name: "alice", role: "operator" };
const bob: Principal = { kind: "user", id: "u-bob", name: "bob", role: "admin" };
const session = (execId: string) => ({ execId, containerId: "c1", containerName: "web", command: ["sh"], userId: alice.id });

function kindOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ServiceError ? err.kind : "other";
  }
  return undefined;
}

describe("terminal sessions", () => {
  it("are attached once, by the user who created them", () => {
    rememberExecSession(session("e1"));
    expect(kindOf(() => claimExecSession("e1", bob))).toBe("PermissionDenied");
    expect(claimExecSession("e1", alice)).toMatchObject({ execId: "e1", containerName: "web" });
    expect(kindOf(() => claimExecSession("e1", alice))).toBe("NotFound");
  });

  it("expire when nobody attaches in time", () => {
    rememberExecSession(session("e2"), Date.now() - 120_000);
    expect(kindOf(() => claimExecSession("e2", alice))).toBe("NotFound");
  });

  it("are unknown unless created here", () => {
    expect(kindOf(() => claimExecSession("never-made", alice))).toBe("NotFound");
  });
});
