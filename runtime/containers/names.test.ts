import { describe, expect, it } from "vitest";
import { isKind } from "../errors.js";
import { randomName, validateName } from "./names.js";

describe("container names", () => {
  it("accepts Docker's names, with or without the leading slash", () => {
    expect(validateName("web")).toBe("web");
    expect(validateName("/bar-exit")).toBe("bar-exit");
    expect(validateName("a.b_c-1")).toBe("a.b_c-1");
  });

  it.each(["x", "-web", "_web", "we b", "web/1", "wéb", "", "/"])("refuses %j with Docker's message", (name) => {
    let err: unknown;
    try {
      validateName(name);
    } catch (e) {
      err = e;
    }
    expect(isKind(err, "InvalidArgument")).toBe(true);
    expect((err as Error).message).toBe(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  });

  it("makes random names like adjective_surname that are valid names", () => {
    for (let i = 0; i < 200; i++) {
      const n = randomName();
      expect(n).toMatch(/^[a-z]+_[a-z]+$/);
      expect(n).not.toBe("boring_wozniak");
      expect(validateName(n)).toBe(n);
    }
    expect(randomName(3)).toMatch(/^[a-z]+_[a-z]+[0-9]$/);
  });
});
