/** The lifecycle actions and kill signals, apart from the engine code so that the browser can import them too. */

export const containerActions = ["start", "stop", "restart", "kill", "pause", "unpause", "remove"] as const;
export type ContainerAction = (typeof containerActions)[number];

/** The signals the Kill dialog offers; the engine accepts names with or without "SIG". */
export const killSignals = ["SIGKILL", "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const;
export type KillSignal = (typeof killSignals)[number];
