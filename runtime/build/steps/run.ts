/**
 * RUN: the command runs in a build container over the state's root filesystem (run-command.ts) and what it changed
 * becomes a layer. Shell form runs through the image's SHELL (default `/bin/sh -c`), exec form as given; heredocs
 * are handed to the shell as part of the script (a RUN that is only a heredoc runs its body). The build args in
 * scope are in the command's environment (the image's ENV wins) and, as `|n a=b …`, in its history and cache key.
 * A non-zero exit fails the build with Docker's message.
 */
import { invalidArgument } from "../../errors.js";
import type { Instruction } from "../dockerfile/instructions.js";
import { runCommand } from "../run-command.js";
import { PROXY_ARGS } from "../settings.js";
import type { StageRun } from "../stage-run.js";
import { DEFAULT_SHELL } from "../state.js";
import { layerStep } from "./layer.js";

export async function runStep(run: StageRun, ins: Instruction): Promise<void> {
  if (ins.flags.has("mount")) throw invalidArgument(`Dockerfile:${ins.line}: RUN --mount needs BuildKit; this builder does not support it`);
  const config = run.state.config.config;
  const shell = config.Shell ?? DEFAULT_SHELL;
  let args: string[];
  if (ins.json) {
    args = ins.json;
  } else if (ins.heredocs.length > 0 && /^<<-?(["']?)[A-Za-z_][A-Za-z0-9_]*\1$/.test(ins.args.trim())) {
    args = [...shell, (ins.heredocs[0] as { body: string }).body];
  } else {
    const script = ins.heredocs.reduce((s, h) => `${s}\n${h.body}${h.name}`, ins.args);
    args = [...shell, script];
  }
  const argPairs = run.argPairs();
  const prefix = argPairs.length > 0 ? `|${argPairs.length} ${argPairs.map(([k, v]) => `${k}=${v}`).join(" ")} ` : "";
  const createdBy = `${prefix}${args.join(" ")}`;
  const hostNetwork = run.b.hostNetwork || ins.flags.get("network") === "host";
  await run.step(createdBy, argPairs, "", (state) =>
    layerStep(run, state, createdBy, async (rootfs) => {
      run.b.progress.stream(` ---> Running in ${rootfs.id.slice(0, 12)}\n`);
      const env = [...(state.config.config.Env ?? [])];
      const names = new Set(env.map((e) => e.split("=", 1)[0]));
      for (const [k, v] of run.args) if (!names.has(k)) env.push(`${k}=${v}`);
      // the predefined proxy args reach RUN without an ARG (and stay out of history and the cache key)
      for (const [k, v] of run.b.buildArgs) if (PROXY_ARGS.has(k) && !names.has(k) && !run.args.has(k)) env.push(`${k}=${v}`);
      const tail: string[] = [];
      const code = await runCommand(run.deps, rootfs, {
        args, env, user: state.config.config.User ?? "", cwd: state.config.config.WorkingDir ?? "/", hostNetwork,
      }, (data) => {
        const text = data.toString("utf8");
        run.b.progress.stream(text);
        tail.push(text);
        if (tail.length > 50) tail.shift();
      });
      if (code !== 0) {
        throw new RunFailed(`The command '${args.join(" ")}' returned a non-zero code: ${code}`, code, tail.join(""));
      }
      run.b.progress.stream(`Removing intermediate container ${rootfs.id.slice(0, 12)}\n`);
    }));
}

/** A RUN whose command failed: its exit code and the last of its output (for the console's build log). */
export class RunFailed extends Error {
  constructor(message: string, readonly exitCode: number, readonly output: string) {
    super(message);
    this.name = "RunFailed";
  }
}
