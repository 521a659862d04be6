import { afterEach, describe, expect, it } from "vitest";
import { crossOriginRefusal } from "./same-origin";

const url = "http://console.test:3000/api/trpc/containers.stop";
const headers = (h: Record<string, string>) => new Headers({ host: "console.test:3000", ...h });

describe("crossOriginRefusal (CSRF)", () => {
  afterEach(() => delete process.env.HAKO_CONSOLE_ORIGINS);

  it("accepts a mutation from the console's own page", () => {
    expect(crossOriginRefusal("POST", headers({ origin: "http://console.test:3000", "sec-fetch-site": "same-origin" }), url)).toBeNull();
  });

  it("refuses a mutation posted from another site, by Sec-Fetch-Site or by Origin", () => {
    expect(crossOriginRefusal("POST", headers({ origin: "https://evil.example", "sec-fetch-site": "cross-site" }), url)).toMatch(/cross-site/);
    expect(crossOriginRefusal("POST", headers({ "sec-fetch-site": "same-site" }), url)).toMatch(/same-site/);
    expect(crossOriginRefusal("POST", headers({ origin: "https://evil.example" }), url)).toMatch(/evil\.example/);
    expect(crossOriginRefusal("POST", headers({ origin: "null" }), url)).toMatch(/null/);
    expect(crossOriginRefusal("POST", headers({ origin: "http://console.test:3001" }), url)).not.toBeNull();
  });

  it("lets reads through and non-browser clients (no Origin, no Sec-Fetch-Site) through", () => {
    expect(crossOriginRefusal("GET", headers({ origin: "https://evil.example", "sec-fetch-site": "cross-site" }), url)).toBeNull();
    expect(crossOriginRefusal("POST", headers({}), url)).toBeNull();
  });

  it("accepts an origin a reverse proxy serves the console under, when configured", () => {
    process.env.HAKO_CONSOLE_ORIGINS = "https://hako.example.com";
    expect(crossOriginRefusal("POST", headers({ origin: "https://hako.example.com" }), url)).toBeNull();
    expect(crossOriginRefusal("POST", headers({ origin: "https://other.example.com" }), url)).not.toBeNull();
  });
});
