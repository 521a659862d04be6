/**
 * A build's output as the console keeps and shows it. The engine streams the classic builder's JSON messages
 * (`{"stream": "Step 2/4 : RUN echo built > /x\n"}`, `{"aux": {"ID": "sha256:…"}}`, `{"error": …, "errorDetail": …}`);
 * this turns them into lines, and lines into steps: each `Step n/m : INSTRUCTION` opens one, ` ---> Using cache`
 * marks it a cache hit, and it lasts until the next step (or the end) begins. A failure names the step it happened in,
 * the last lines that step printed and the exit code of its RUN ("returned a non-zero code: N").
 *
 * Pure (no Node APIs): the server records with it; the pages import its types.
 */

export interface BuildStep {
  /** 1-based, as the engine counts (`Step 2/4`) */
  n: number;
  total: number;
  instruction: string;
  cached: boolean;
  /** milliseconds after the build started */
  startedAtMs: number;
  /** null while the step runs */
  durationMs: number | null;
  /** the last lines the step printed (its RUN's output), engine chatter left out */
  tail: string[];
}

export interface BuildFailure {
  message: string;
  /** `Step 3/4 : RUN exit 3`, when the failure happened inside a step */
  step: string | null;
  exitCode: number | null;
  /** the failing step's last output lines */
  output: string[];
}

/** The whole log is kept up to this many characters; past it the oldest lines are dropped (and that is said). */
export const LOG_LIMIT_CHARS = 1_000_000;
export const STEP_TAIL_LINES = 20;

export type BuildMessage = { stream?: string; aux?: { ID?: string }; error?: string; errorDetail?: { message?: string; code?: number } };

const stepLine = /^Step (\d+)\/(\d+) : (.*)$/;
/** lines the classic builder prints about itself between a step's output */
const chatter = /^ ---> |^Removing intermediate container |^Successfully (built|tagged) /;
const exitCodeOf = (message: string) => /returned a non-zero code: (\d+)/.exec(message)?.[1];

export class BuildLog {
  readonly steps: BuildStep[] = [];
  /** complete lines, oldest first (see `dropped`) */
  lines: string[] = [];
  /** lines dropped from the start to keep the log under LOG_LIMIT_CHARS */
  dropped = 0;
  imageId: string | null = null;
  failure: BuildFailure | null = null;
  private chars = 0;
  private pending = "";

  constructor(private readonly clock: () => number) {}

  /** Takes one engine message; returns the complete lines it added. */
  push(message: BuildMessage): string[] {
    const added: string[] = [];
    if (typeof message.stream === "string") {
      this.pending += message.stream;
      let nl: number;
      while ((nl = this.pending.indexOf("\n")) >= 0) {
        added.push(this.pending.slice(0, nl).replace(/\r$/, ""));
        this.pending = this.pending.slice(nl + 1);
      }
    }
    if (message.aux?.ID) this.imageId = message.aux.ID;
    const error = message.errorDetail?.message ?? message.error;
    if (error) {
      added.push(...this.flushPending(), `ERROR: ${error}`);
      this.fail(error, message.errorDetail?.code);
    }
    for (const line of added) this.addLine(line);
    return added;
  }

  /** The stream ended (or broke): closes the last step; a build without an image ID failed. */
  end(brokenBy?: string): string[] {
    const added = this.flushPending();
    for (const line of added) this.addLine(line);
    if (!this.failure && (brokenBy || !this.imageId)) {
      const message = brokenBy ?? "The engine ended the build without an image ID or an error.";
      this.fail(message);
      const line = `ERROR: ${message}`;
      this.addLine(line);
      added.push(line);
    }
    const last = this.steps.at(-1);
    if (last && last.durationMs === null) last.durationMs = this.clock() - last.startedAtMs;
    return added;
  }

  text(): string {
    return this.lines.length ? `${this.lines.join("\n")}\n` : "";
  }

  private flushPending(): string[] {
    if (!this.pending) return [];
    const rest = this.pending;
    this.pending = "";
    return [rest];
  }

  private fail(message: string, code?: number): void {
    const current = this.steps.at(-1);
    const exit = code ?? exitCodeOf(message);
    this.failure = {
      message,
      step: current ? `Step ${current.n}/${current.total} : ${current.instruction}` : null,
      exitCode: exit === undefined ? null : Number(exit),
      output: current ? [...current.tail] : [],
    };
  }

  private addLine(line: string): void {
    const now = this.clock();
    const step = stepLine.exec(line);
    const current = this.steps.at(-1);
    if (step) {
      if (current && current.durationMs === null) current.durationMs = now - current.startedAtMs;
      this.steps.push({ n: Number(step[1]), total: Number(step[2]), instruction: step[3] ?? "", cached: false, startedAtMs: now, durationMs: null, tail: [] });
    } else if (current && line === " ---> Using cache") {
      current.cached = true;
    } else if (current && !chatter.test(line) && !line.startsWith("ERROR: ")) {
      current.tail.push(line);
      if (current.tail.length > STEP_TAIL_LINES) current.tail.shift();
    }
    this.lines.push(line);
    this.chars += line.length + 1;
    while (this.chars > LOG_LIMIT_CHARS && this.lines.length > 1) {
      this.chars -= (this.lines.shift() ?? "").length + 1;
      this.dropped += 1;
    }
  }
}
