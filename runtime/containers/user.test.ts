import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../testing/temp.js";
import { parseGroup, parsePasswd, resolveUser, resolveUserInRootfs } from "./user.js";

// busybox's own files
const PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
# a comment
broken line
`;
const GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
wheel:x:10:root
www-data:x:33:
staff:x:50:www-data,daemon
nogroup:x:65534:
`;

const passwd = parsePasswd(PASSWD);
const groups = parseGroup(GROUP);

describe("resolving a container's User", () => {
  it("defaults to root with root's groups", () => {
    expect(resolveUser("", passwd, groups)).toEqual({ uid: 0, gid: 0, additionalGids: [0, 10], home: "/root" });
  });

  it("takes a name's uid, primary group, home and member groups", () => {
    expect(resolveUser("www-data", passwd, groups)).toEqual({ uid: 33, gid: 33, additionalGids: [33, 50], home: "/var/www" });
  });

  it("accepts a uid that has no passwd entry (gid 0, home /)", () => {
    expect(resolveUser("1000", passwd, groups)).toEqual({ uid: 1000, gid: 0, additionalGids: [0], home: "/" });
  });

  it("takes an explicit group by number or name, without member groups", () => {
    expect(resolveUser("1000:1000", passwd, groups)).toEqual({ uid: 1000, gid: 1000, additionalGids: [1000], home: "/" });
    expect(resolveUser("daemon:staff", passwd, groups)).toEqual({ uid: 1, gid: 50, additionalGids: [50], home: "/usr/sbin" });
    expect(resolveUser("33:0", passwd, groups).gid).toBe(0);
  });

  it("refuses unknown names like runc", () => {
    expect(() => resolveUser("nosuch", passwd, groups)).toThrow("unable to find user nosuch: no matching entries in passwd file");
    expect(() => resolveUser("root:nosuch", passwd, groups)).toThrow("unable to find group nosuch: no matching entries in group file");
  });

  it("refuses ids out of range", () => {
    expect(() => resolveUser("4294967296", passwd, groups)).toThrow(/range/);
  });
});

describe("reading passwd and group inside a rootfs", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it("reads the image's files", async () => {
    await mkdir(join(dir.path, "etc"));
    await writeFile(join(dir.path, "etc/passwd"), PASSWD);
    await writeFile(join(dir.path, "etc/group"), GROUP);
    expect((await resolveUserInRootfs(dir.path, "nobody")).uid).toBe(65534);
  });

  it("never follows a link out of the rootfs to the host's files", async () => {
    const root = join(dir.path, "rootfs");
    await mkdir(join(root, "etc"), { recursive: true });
    await writeFile(join(dir.path, "passwd"), "evil:x:4242:4242::/:/bin/sh\n");
    await symlink("../../passwd", join(root, "etc/passwd"));
    await expect(resolveUserInRootfs(root, "evil")).rejects.toThrow(/unable to find user evil/);
  });

  it("works without passwd and group (numeric users only)", async () => {
    expect(await resolveUserInRootfs(dir.path, "")).toEqual({ uid: 0, gid: 0, additionalGids: [0], home: "/" });
    await expect(resolveUserInRootfs(dir.path, "root")).rejects.toThrow(/unable to find user root/);
  });
});
