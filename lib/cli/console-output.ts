import type { SessionOutput } from "../live/editor-session";
import { Progress } from "../progress";

/** A CLI's session output: NDJSON events on stdout (for pipes and files), progress notes on stderr. */
export const consoleOutput: SessionOutput = {
  event: (event) => process.stdout.write(`${JSON.stringify(event)}\n`),
  note: (line) => console.error(line),
};

/**
 * The same, with an import's progress on stderr: one unit per event (a row or a refused
 * photo), rows that come back unchanged counted as cached so the rate is the rows stored.
 */
export function createImportOutput(rows?: number): SessionOutput {
  const progress = new Progress({ label: "import", total: rows, unit: "row", sink: process.stderr });
  return {
    event(event) {
      consoleOutput.event(event);
      if (event.type === "done") progress.finish();
      else if (event.type === "item" && event.status === "unchanged") progress.skip();
      else progress.advance();
    },
    note: (line) => progress.note(line),
  };
}
