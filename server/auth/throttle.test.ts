import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTempDatabase, type TempDatabase } from "../testing/temp-database";
import { clearFailures, LOCK_MS, lockedUntil, minutesUntil, recordFailure, throttleKeys, USER_MAX_FAILURES, userKey, WINDOW_MS } from "./throttle";

let temp: TempDatabase;
beforeAll(async () => (temp = await openTempDatabase()));
afterAll(async () => temp.close());

const at = (ms: number) => new Date(Date.UTC(2026, 10, 28, 9, 0, 0) + ms);

describe("sign-in throttle", () => {
  it("locks a username on its limit within the window, for LOCK_MS", async () => {
    const keys = [userKey("Ivy")];
    for (let i = 0; i < USER_MAX_FAILURES - 1; i++) await recordFailure(temp.db, keys, at(i * 1000));
    expect(await lockedUntil(temp.db, keys, at(10_000))).toBeNull();
    await recordFailure(temp.db, keys, at(10_000));
    expect(await lockedUntil(temp.db, keys, at(10_001))).toEqual(at(10_000 + LOCK_MS));
    expect(await lockedUntil(temp.db, keys, at(10_000 + LOCK_MS))).toBeNull();
    expect(await lockedUntil(temp.db, [userKey("ivy")], at(10_001))).not.toBeNull(); // usernames count case-insensitively
  });

  it("forgets failures older than the window", async () => {
    const keys = [userKey("jack")];
    for (let i = 0; i < USER_MAX_FAILURES - 1; i++) await recordFailure(temp.db, keys, at(0));
    await recordFailure(temp.db, keys, at(WINDOW_MS + 1)); // a new window: one failure, no lock
    expect(await lockedUntil(temp.db, keys, at(WINDOW_MS + 2))).toBeNull();
  });

  it("clears a username on success; an address key is separate and only exists when the address is known", async () => {
    const keys = throttleKeys("kim", "192.0.2.9");
    expect(keys.map((k) => k.key)).toEqual(["user:kim", "ip:192.0.2.9"]);
    expect(throttleKeys("kim", null).map((k) => k.key)).toEqual(["user:kim"]);
    for (let i = 0; i < USER_MAX_FAILURES; i++) await recordFailure(temp.db, keys, at(0));
    expect(await lockedUntil(temp.db, keys, at(1))).not.toBeNull();
    await clearFailures(temp.db, userKey("kim"));
    expect(await lockedUntil(temp.db, keys, at(1))).toBeNull(); // the address has fewer failures than its own limit
    expect(await temp.db.signinThrottle.findUnique({ where: { key: "ip:192.0.2.9" } })).toMatchObject({ failures: USER_MAX_FAILURES });
  });

  it("counts concurrent failures without losing any", async () => {
    const keys = [userKey("lee")];
    await Promise.all(Array.from({ length: 4 }, () => recordFailure(temp.db, keys, at(0))));
    expect(await temp.db.signinThrottle.findUnique({ where: { key: "user:lee" } })).toMatchObject({ failures: 4 });
  });

  it("rounds the wait up to whole minutes, at least one", () => {
    expect(minutesUntil(at(LOCK_MS), at(0))).toBe(15);
    expect(minutesUntil(at(61_000), at(0))).toBe(2);
    expect(minutesUntil(at(1), at(0))).toBe(1);
  });
});
