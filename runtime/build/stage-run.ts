/**
 * Running one stage: its FROM, then each instruction as a **step** that turns the current state into the next.
 *
 * Every step goes through {@link StageRun.step}: the cache key (cache.ts) from the parent state ID, the step's
 * description after substitution, the build args it uses and the content it reads; a hit takes the recorded state
 * (` ---> Using cache`); a miss performs the step on a copy of the state and records the result. Build args in scope
 * are the stage's declared ARGs (value from the client's build args, else the default, else the meta arg's value);
 * ENV wins over ARG of the same name in substitution.
 */
import type { Instruction } from "./dockerfile/instructions.js";
import { substituteWord, substituteWords, type Vars } from "./dockerfile/substitute.js";
import { cacheKey } from "./cache.js";
import { PROXY_ARGS, type BuildDeps, type BuildSettings } from "./settings.js";
import { cloneState, envMap, stateId, type BuildState, type HistoryEntry } from "./state.js";
import { METADATA_KEYWORDS, metadataChange } from "./steps/metadata.js";
import { runStep } from "./steps/run.js";
import { copyStep } from "./steps/copy.js";
import { invalidArgument } from "../errors.js";
import { shortId } from "../store/digest.js";

export class StageRun {
  /** the stage's declared ARGs with a value, in declaration order */
  readonly args = new Map<string, string>();
  cmdSet = false;

  constructor(
    readonly deps: BuildDeps,
    readonly b: BuildSettings,
    public state: BuildState,
    /** meta args (before the first FROM) with their values */
    private readonly metaArgs: ReadonlyMap<string, string>,
  ) {}

  /** Variables for substitution: args in scope, overridden by the image's ENV. */
  vars(): Vars {
    const v = new Map(this.args);
    for (const [k, val] of envMap(this.state.config.config.Env)) v.set(k, val);
    return v;
  }

  /** Args with values for RUN's environment and cache key, as `name=value` pairs (proxy args excluded). */
  argPairs(): Array<[string, string]> {
    return [...this.args].filter(([k]) => !PROXY_ARGS.has(k));
  }

  created(): string {
    const epoch = this.b.sourceDateEpoch;
    return epoch !== undefined ? new Date(epoch * 1000).toISOString().replace(/\.000Z$/, "Z") : new Date().toISOString();
  }

  history(createdBy: string, emptyLayer: boolean): HistoryEntry {
    return { created: this.created(), created_by: createdBy, ...(emptyLayer ? { empty_layer: true } : {}) };
  }

  async execute(ins: Instruction): Promise<void> {
    if (ins.keyword === "ARG") return this.declareArgs(ins);
    if (METADATA_KEYWORDS.has(ins.keyword)) {
      const change = metadataChange(ins, this.vars(), this.b.escape, this.cmdSet);
      if (ins.keyword === "CMD") this.cmdSet = true;
      const createdBy = `/bin/sh -c #(nop)  ${change.description}`;
      await this.step(createdBy, [], "", async (s) => {
        change.apply(s.config.config);
        if (ins.keyword === "MAINTAINER") s.config.author = ins.args;
        s.config.created = this.created();
        s.config.history.push(this.history(createdBy, true));
        return s;
      });
      return;
    }
    if (ins.keyword === "RUN") return runStep(this, ins);
    if (ins.keyword === "COPY" || ins.keyword === "ADD") return copyStep(this, ins);
    throw invalidArgument(`Dockerfile:${ins.line}: ${ins.keyword} cannot be used here`);
  }

  /**
   * One cached step. `perform` gets a copy of the current state to change and returns the next state; it is not
   * called on a cache hit.
   */
  async step(createdBy: string, args: Array<[string, string]>, content: string,
    perform: (state: BuildState) => Promise<BuildState>): Promise<void> {
    const key = cacheKey(stateId(this.state), createdBy, args, content);
    if (!this.b.noCache) {
      const hit = await this.deps.cache.get(key);
      if (hit && this.b.cacheAllowed(hit)) {
        this.state = hit;
        this.b.progress.stream(" ---> Using cache\n");
        this.b.progress.stream(` ---> ${shortId(stateId(hit))}\n`);
        return;
      }
    }
    const next = await perform(cloneState(this.state));
    await this.deps.cache.put(key, next);
    this.state = next;
    this.b.progress.stream(` ---> ${shortId(stateId(next))}\n`);
  }

  private declareArgs(ins: Instruction): void {
    for (const word of substituteWords(ins.args, new Map(), "\u0000")) {
      const eq = word.indexOf("=");
      const name = eq < 0 ? word : word.slice(0, eq);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw invalidArgument(`Dockerfile:${ins.line}: invalid ARG name: ${name}`);
      this.b.consumedArgs.add(name);
      const given = this.b.buildArgs.get(name);
      let value: string | undefined;
      if (given !== undefined) value = given;
      else if (eq >= 0) value = substituteWord(word.slice(eq + 1), this.vars(), this.b.escape);
      else value = this.metaArgs.get(name);
      if (value !== undefined) this.args.set(name, value);
      else this.args.delete(name);
    }
    this.b.progress.stream(` ---> ${shortId(stateId(this.state))}\n`);
  }
}
