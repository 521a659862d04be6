/**
 * The build's progress as the docker CLI renders it (JSON messages of the classic builder): `stream` text
 * (`Step 1/4 : FROM busybox\n`, ` ---> Using cache\n`, ` ---> 1a2b3c4d5e6f\n`, a RUN's output), `aux` with the
 * image ID, and an error as `{"errorDetail":{"message":…},"error":…}`. Quiet builds (`q=1`) send only the final
 * image ID as text, as dockerd does.
 */
export interface BuildProgress {
  /** a line (or chunk) of build output */
  stream(text: string): void;
  /** the built image's ID */
  imageId(id: string): void;
  /** a warning the user should see even in a quiet build */
  warn(text: string): void;
}

export type Message = Record<string, unknown>;

export function jsonProgress(send: (msg: Message) => void, quiet: boolean): BuildProgress {
  return {
    stream: (text) => {
      if (!quiet) send({ stream: text });
    },
    imageId: (id) => {
      send({ aux: { ID: id } });
      if (quiet) send({ stream: `${id}\n` });
    },
    warn: (text) => {
      if (!quiet) send({ stream: `[Warning] ${text}\n` });
    },
  };
}

export function errorMessage(message: string): Message {
  return { errorDetail: { message }, error: message };
}
