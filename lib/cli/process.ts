/**
 * Lets the process end on its own once the command is done, and ends it anyway after `graceMs`
 * if something still holds the event loop (a consumer stuck past a forced stop, a socket a
 * library did not close). The timer is unref'd: it never keeps the process alive by itself.
 * `process.exit()` without an argument uses `process.exitCode`, set by then.
 */
export function exitWhenIdle(graceMs = 1_000): void {
  setTimeout(() => process.exit(), graceMs).unref();
}
