/** Starts the private hakod + console for the run; the returned function is Playwright's teardown. */
import { startStack } from "./support/stack";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const stack = await startStack();
  process.env.HAKO_E2E_URL = stack.consoleUrl;
  process.env.HAKO_E2E_ENGINE = stack.engineHost;
  process.env.HAKO_E2E_ENGINE_PID = String(stack.enginePid);
  process.env.HAKO_E2E_DATABASE_URL = stack.databaseUrl;
  process.env.HAKO_E2E_CONSOLE_DATA = stack.consoleData;
  return () => stack.stop();
}
