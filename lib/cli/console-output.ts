import type { SessionOutput } from "../live/editor-session";

/** A CLI's session output: NDJSON events on stdout (for pipes and files), progress notes on stderr. */
export const consoleOutput: SessionOutput = {
  event: (event) => process.stdout.write(`${JSON.stringify(event)}\n`),
  note: (line) => console.error(line),
};
