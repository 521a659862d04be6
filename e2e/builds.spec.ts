/**
 * Building images from the console, as an operator would: a folder uploaded as the context (its Dockerfile lands in
 * the editor), the build's steps streaming live with their cache hits and times, a link to the image that then shows
 * in Images; a RUN that fails, named with its exit code and output where the build was started; a context over the
 * configured limit (8 MiB in these runs, see support/stack.ts) refused at upload; and the history that kept it all.
 */
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { expect, test, type Page } from "./support/test";
import { pack } from "tar-stream";
import { auditRows } from "./support/audit";
import { BUSYBOX, engineClient, loadBusybox } from "./support/engine";
import { admin, ensureAccount, signIn } from "./support/users";

test.describe.configure({ mode: "default" });

const TAG = "e2e/built:1";

test.beforeAll(async () => {
  ensureAccount(admin);
  await loadBusybox(engineClient());
});

function contextFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "hako-e2e-context-"));
  const root = join(dir, "app");
  mkdirSync(join(root, "conf"), { recursive: true });
  writeFileSync(join(root, "Dockerfile"), `FROM ${BUSYBOX}\nRUN echo built > /x\nCOPY conf/app.txt /app.txt\n`);
  writeFileSync(join(root, "conf", "app.txt"), "from the uploaded folder\n");
  return root;
}

/** Through the navigation, as a user would (and without a full page load for each test). */
async function openBuildPage(page: Page): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Builds" }).click();
  await page.getByRole("link", { name: "Build image" }).click();
  await expect(page.getByRole("heading", { name: "Build image" })).toBeVisible();
}

async function tarGz(files: Record<string, string>): Promise<Buffer> {
  const tar = pack();
  for (const [name, content] of Object.entries(files)) tar.entry({ name }, content);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

test("build from an uploaded folder: live steps, a link to the image, and the image in Images", async ({ page }, testInfo) => {
  await signIn(page, admin);
  await openBuildPage(page);

  await page.getByLabel("Upload folder").setInputFiles(contextFolder());
  await expect(page.getByLabel("Uploaded context")).toContainText("Dockerfile loaded into the editor");
  await expect(page.getByLabel("Dockerfile", { exact: true })).toHaveValue(/RUN echo built > \/x/);
  await page.getByLabel("Tags").fill(TAG);
  await page.getByLabel("Build args").fill("UNUSED_TOKEN=e2e-build-secret");
  await page.getByRole("button", { name: "Build", exact: true }).click();

  const steps = page.getByRole("list", { name: "Build steps" });
  await expect(steps.getByRole("listitem")).toHaveCount(3);
  await expect(steps.getByRole("listitem").nth(1)).toContainText("RUN echo built > /x");
  await expect(page.getByRole("status")).toContainText("Build succeeded");
  await expect(page.getByRole("log", { name: "Build log" })).toContainText(`Successfully tagged ${TAG}`);
  // every step shows its time (or that it came from the cache)
  for (const item of await steps.getByRole("listitem").all()) await expect(item).toContainText(/\d+(\.\d)? (ms|s)|cached/);
  await page.screenshot({ path: testInfo.outputPath("build-succeeded.png"), fullPage: true });

  const image = await engineClient().getImage(TAG).inspect();
  const link = page.getByRole("link", { name: image.Id.replace(/^sha256:/, "").slice(0, 12) });
  await expect(link).toHaveAttribute("href", `/images/${encodeURIComponent(image.Id)}`);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Images" }).click();
  await expect(page.getByRole("table", { name: "Images" })).toContainText(TAG);

  const [row] = auditRows("action = 'image.build' AND outcome = 'ok' AND targetName LIKE ?", `${TAG} from Dockerfile sha256:%`);
  expect(row?.actorName).toBe(admin.username);
  expect(row?.params).toContain("UNUSED_TOKEN=[redacted]");
  expect(row?.params).not.toContain("e2e-build-secret");

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Builds" }).click();
  await expect(page.getByRole("table", { name: "Builds" })).toContainText(TAG);
  await page.screenshot({ path: testInfo.outputPath("build-history.png"), fullPage: true });
});

test("a failing RUN names the failing step, its exit code and its last output, where the build was started", async ({ page }, testInfo) => {
  await signIn(page, admin);
  await openBuildPage(page);
  await page.getByLabel("Upload archive").setInputFiles({
    name: "context.tar.gz",
    mimeType: "application/gzip",
    buffer: await tarGz({ Dockerfile: `FROM ${BUSYBOX}\nRUN echo fine\n`, "notes.txt": "hello\n" }),
  });
  await expect(page.getByLabel("Uploaded context")).toContainText("context.tar.gz");
  await expect(page.getByLabel("Dockerfile", { exact: true })).toHaveValue(/RUN echo fine/);
  await page.getByLabel("Dockerfile", { exact: true }).fill(`FROM ${BUSYBOX}\nRUN echo about to fail; exit 3\n`);
  await page.getByRole("button", { name: "Build", exact: true }).click();

  const failure = page.getByRole("alert", { name: "Build failure" });
  await expect(failure).toContainText("Failed at Step 2/2 : RUN echo about to fail; exit 3");
  await expect(failure).toContainText("Exit code 3");
  await expect(failure).toContainText("about to fail");
  await expect(page.getByRole("list", { name: "Build steps" }).getByRole("listitem").nth(1)).toContainText("failed");
  await page.screenshot({ path: testInfo.outputPath("build-failed.png"), fullPage: true });

  // the build's own page says the same, from the history
  await page.getByRole("link", { name: "Open this build's page" }).click();
  await expect(page.getByRole("heading", { name: /^Build / })).toContainText("failed");
  await expect(page.getByRole("alert", { name: "Build failure" })).toContainText("Exit code 3");
});

test("a context over the size limit is refused at upload with the limit named", async ({ page }, testInfo) => {
  await signIn(page, admin);
  await openBuildPage(page);
  await page.getByLabel("Upload archive").setInputFiles({ name: "big.tar", mimeType: "application/x-tar", buffer: Buffer.alloc(9 * 1024 * 1024) });
  await expect(page.getByRole("alert").filter({ hasText: "build context" })).toContainText("over the size limit of 8 MiB");
  await expect(page.getByText("up to 8 MiB")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("build-context-too-large.png"), fullPage: true });
});
