/** `hako`'s help text. */

export const usage = `Usage:
  hako up [--data-root DIR] [--host unix:///PATH.sock] [--port 3000] [--hostname 0.0.0.0]
      Start the engine (hakod) and the console in the foreground; Ctrl-C stops both (containers keep running).
  hako admin create --username NAME --password-stdin
      Create an admin account, reading its password from standard input.
  hako user create --username NAME --role admin|operator|viewer --password-stdin
      Create an account with the given role, reading its password from standard input.
  hako audit verify
      Check the audit log's hash chain; exits 1 naming the first broken sequence number.

Environment:
  DATABASE_URL        file:PATH (SQLite) or postgresql://USER:PASSWORD@HOST:PORT/DB; default file:<console data>/hako.db
  HAKO_CONSOLE_DATA   the console's data directory; default <data root>/console for hako up, else /var/lib/hako/console
  HAKO_HOST           the engine's socket (hako up sets it from --host); default unix:///run/hako/hako.sock
  PORT                the console's port when --port is not given
`;
