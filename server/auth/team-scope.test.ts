/** The one rule of team scope (see the doc comment of ./permissions.ts), case by case. */
import { describe, expect, it } from "vitest";
import { bestRole, effectiveRole, scopeRefusal, teamOf, type Standing } from "./team-scope";

const admin: Standing = { role: "admin", teams: {} };
const loner: Standing = { role: "operator", teams: {} };
const member: Standing = { role: "viewer", teams: { web: "operator", data: "viewer" } };

describe("team scope", () => {
  it("reads a resource's team from its hako.team label", () => {
    expect(teamOf({ "hako.team": "web", other: "x" })).toBe("web");
    expect(teamOf({ other: "x" })).toBeNull();
    expect(teamOf({ "hako.team": "" })).toBeNull();
    expect(teamOf(undefined)).toBeNull();
  });

  it("gives admins their global role everywhere, labeled or not", () => {
    expect(effectiveRole(admin, "web")).toBe("admin");
    expect(effectiveRole(admin, null)).toBe("admin");
  });

  it("lets someone in no team act on unlabeled resources by their global role, and keeps them out of teams'", () => {
    expect(effectiveRole(loner, null)).toBe("operator");
    expect(effectiveRole(loner, "web")).toBeNull();
    expect(scopeRefusal(loner, "container.stop", null)).toBeNull();
    expect(scopeRefusal(loner, "container.list", "web", "Container api")).toBe("Container api belongs to a team you are not a member of.");
  });

  it("confines a team member to their teams, with their role in each", () => {
    expect(effectiveRole(member, "web")).toBe("operator");
    expect(effectiveRole(member, "data")).toBe("viewer");
    expect(effectiveRole(member, "ops")).toBeNull();
    expect(effectiveRole(member, null)).toBeNull();
    expect(scopeRefusal(member, "container.stop", "web")).toBeNull();
    expect(scopeRefusal(member, "container.stop", "data")).toBe("Permission container.stop requires operator in team data; you are viewer there.");
    expect(scopeRefusal(member, "container.inspect", null, "Container raw")).toBe("Container raw belongs to no team; only admins may use it once you are in a team.");
  });

  it("says what the global role may not do in the matrix's own words where no team is involved", () => {
    expect(scopeRefusal({ role: "viewer", teams: {} }, "container.stop", null)).toBe("Permission container.stop is required; your role viewer does not have it.");
  });

  it("takes the highest role held anywhere before a resource is known", () => {
    expect(bestRole(member)).toBe("operator");
    expect(bestRole({ role: "operator", teams: { web: "viewer" } })).toBe("operator");
    expect(bestRole(admin)).toBe("admin");
    expect(bestRole({ role: "viewer", teams: {} })).toBe("viewer");
  });
});
