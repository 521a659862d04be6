// Prints the directory of the busybox OCI layout that the project's tests use (runtime/testing/fixtures.ts): the
// real upstream image from $HAKO_FIXTURES, or one built from Debian's busybox-static. Run with `node --import tsx`.
import { busyboxOciLayout } from "../../runtime/testing/fixtures.js";

console.info = console.error; // the fixture announces itself on stdout; stdout is for the path alone
const fixture = await busyboxOciLayout();
process.stdout.write(fixture.dir + "\n");
