/**
 * Stages of a Dockerfile and which of them a build needs.
 *
 * A **stage** starts at a FROM and runs to the next; it has an index (0, 1, …) and optionally a name (`AS name`,
 * case-insensitive). ARGs before the first FROM are the **meta args**, usable in FROM lines only. The build target
 * is the named stage (`--target`) or the last one; a stage is needed when the target depends on it through
 * `FROM <stage>` or `COPY --from=<stage>`; only needed stages are built, dependencies first. A stage may only
 * depend on stages before it, so a reference to itself or a later stage (a cycle) is refused.
 */
import { invalidArgument } from "../errors.js";
import type { Instruction } from "./dockerfile/instructions.js";

export interface Stage {
  index: number;
  /** lower-cased `AS` name */
  name?: string;
  from: Instruction;
  instructions: Instruction[];
}

export interface StagePlan {
  metaArgs: Instruction[];
  stages: Stage[];
  target: Stage;
  /** the stages to build, in order (dependencies first, the target last) */
  order: Stage[];
}

export function splitStages(instructions: Instruction[]): { metaArgs: Instruction[]; stages: Stage[] } {
  const metaArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === "FROM") {
      const m = /^(\S+)(?:\s+[Aa][Ss]\s+(\S+))?\s*$/.exec(ins.args);
      if (!m) throw invalidArgument(`Dockerfile:${ins.line}: FROM requires either one or three arguments`);
      const name = m[2]?.toLowerCase();
      if (name !== undefined) {
        if (!/^[a-z][a-z0-9_.-]*$/.test(name)) throw invalidArgument(`Dockerfile:${ins.line}: invalid name for build stage: "${m[2]}", name can't start with a number or contain symbols`);
        if (stages.some((s) => s.name === name)) throw invalidArgument(`Dockerfile:${ins.line}: duplicate name ${name}`);
      }
      stages.push({ index: stages.length, ...(name ? { name } : {}), from: ins, instructions: [] });
    } else if (stages.length === 0) {
      metaArgs.push(ins);
    } else {
      (stages.at(-1) as Stage).instructions.push(ins);
    }
  }
  return { metaArgs, stages };
}

/** The stage a `--from` value or FROM image name refers to, if it names one. */
export function stageNamed(stages: Stage[], ref: string): Stage | undefined {
  const lower = ref.toLowerCase();
  const byName = stages.find((s) => s.name === lower);
  if (byName) return byName;
  if (/^[0-9]+$/.test(ref)) return stages[Number(ref)];
  return undefined;
}

/**
 * `dependsOn(stage)` gives the stage references of a stage (FROM image names and --from values, substituted by the
 * caller). Returns the stages to build for `target`.
 */
export function planStages(instructions: Instruction[], target: string | undefined,
  dependsOn: (stage: Stage) => string[]): StagePlan {
  const { metaArgs, stages } = splitStages(instructions);
  if (stages.length === 0) throw invalidArgument("no build stage in current context");
  let targetStage = stages.at(-1) as Stage;
  if (target) {
    const found = stages.find((s) => s.name === target.toLowerCase());
    if (!found) throw invalidArgument(`failed to reach build target ${target} in Dockerfile`);
    targetStage = found;
  }
  const order: Stage[] = [];
  const visit = (stage: Stage): void => {
    if (order.includes(stage)) return;
    for (const ref of dependsOn(stage)) {
      const dep = stageNamed(stages, ref);
      if (!dep) continue; // an image, not a stage
      if (dep.index >= stage.index) {
        throw invalidArgument(`Dockerfile:${stage.from.line}: circular dependency: stage ${stage.name ?? stage.index} ` +
          `refers to ${dep === stage ? "itself" : `a later stage (${ref})`}`);
      }
      visit(dep);
    }
    order.push(stage);
  };
  visit(targetStage);
  return { metaArgs, stages, target: targetStage, order };
}
