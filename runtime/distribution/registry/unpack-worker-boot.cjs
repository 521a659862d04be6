// The unpack worker's entry (unpack-worker-pool.ts starts it): registers tsx, then loads the worker, which is
// TypeScript. Plain JavaScript because in Node 20 a worker inherits no module hooks, neither its parent's nor from
// `--import` in its execArgv, so nothing could load a .ts entry. CommonJS because tsx's require hook works in this
// thread, where its ESM hooks (module.register) would start a hooks thread of their own: twice the start-up time,
// which a pull waits for. So the modules the worker loads must not use top-level await nor import.meta.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose, as said above */
require("tsx/cjs/api").register();
require("./unpack-worker.ts");
