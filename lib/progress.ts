/**
 * Progress of a long job (embedding, import, training, re-index, pg-sync, eval, bench), written
 * to a sink the caller chooses: lib/ never prints by itself, the CLIs pass process.stderr.
 * A terminal gets one line redrawn in place; anything else (CI logs, files) gets a plain line
 * every `logEveryPercent` or `logEveryMs`, whichever comes first, so logs stay short.
 */

/** Where progress lines go: process.stderr, or anything with `write` (tests use a string buffer). */
export type ProgressSink = { write(text: string): unknown; isTTY?: boolean };

export type ProgressOptions = {
  /** Shown first on every line: "embed", "import", "pg-sync"... */
  label: string;
  /** Units of work in all; omit when not known ahead (count and rate only). */
  total?: number;
  /** What one unit is, for the rate when it is slower than one per second ("12.0 s/epoch"). */
  unit?: string;
  sink: ProgressSink;
  /** Milliseconds; injectable so tests can hold time still. */
  now?: () => number;
  /** Terminal: fewest milliseconds between redraws. */
  redrawMs?: number;
  /** Not a terminal: a line each time this many more percent are done... */
  logEveryPercent?: number;
  /** ...or this many milliseconds passed since the last line. */
  logEveryMs?: number;
};

export type ProgressSnapshot = {
  done: number;
  /** Of `done`, units that needed no work (cache hits, unchanged rows): they do not count in the rate. */
  cached: number;
  total?: number;
  elapsedSeconds: number;
  /** Computed units per second; undefined until one is computed. */
  rate?: number;
  /** Seconds left at `rate`; 0 when all is done, undefined when it cannot be known yet. */
  etaSeconds?: number;
};

/** Formats seconds as "1h02m", "3m05s" or "12s" ("?" when not finite). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m${String(sec).padStart(2, "0")}s`;
  return `${sec}s`;
}

/** Rate for a person: "12.7/s", or "4.2 s/epoch" when one unit takes longer than a second. */
export function formatRate(rate: number, unit = "item"): string {
  if (rate >= 1) return `${rate.toFixed(1)}/s`;
  return `${(1 / rate).toFixed(1)} s/${unit}`;
}

/** Computes rate and ETA over the computed units only, so a cached start neither inflates nor stalls them. */
export function snapshotProgress(done: number, cached: number, total: number | undefined, elapsedSeconds: number): ProgressSnapshot {
  const computed = done - cached;
  const rate = computed > 0 && elapsedSeconds > 0 ? computed / elapsedSeconds : undefined;
  const remaining = total === undefined ? undefined : Math.max(0, total - done);
  const etaSeconds = remaining === 0 ? 0 : remaining !== undefined && rate !== undefined ? remaining / rate : undefined;
  return { done, cached, total, elapsedSeconds, rate, etaSeconds };
}

/** Describes a snapshot: "300/1000 (30.0%), 200 cached 12.5/s ETA 56s", "1000/1000 (100.0%) all cached". */
export function formatProgress(s: ProgressSnapshot, unit?: string): string {
  const count = s.total === undefined ? `${s.done}` : `${s.done}/${s.total} (${percentOf(s.done, s.total).toFixed(1)}%)`;
  const computed = s.done - s.cached;
  if (computed === 0 && s.cached > 0) return `${count} ${s.total !== undefined && s.done >= s.total ? "all cached" : "cached so far, ETA ?"}`;
  const cached = s.cached > 0 ? `, ${s.cached} cached` : "";
  if (s.rate === undefined) return `${count}${cached} ${s.total !== undefined && s.done >= s.total ? "done" : "starting"}`;
  const eta = s.total === undefined ? "" : ` ETA ${formatDuration(s.etaSeconds ?? Infinity)}`;
  return `${count}${cached} ${formatRate(s.rate, unit)}${eta}`;
}

const barWidth = 24;

/** A reporter for one job: tell it what was computed and what was cached, then finish. */
export class Progress {
  private readonly now: () => number;
  private readonly started: number;
  private readonly tty: boolean;
  private done = 0;
  private cachedCount = 0;
  private lastWrite = -Infinity;
  private lastLoggedPercent = 0;
  private finished = false;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.tty = options.sink.isTTY === true;
  }

  /** `count` more units computed. */
  advance(count = 1): void {
    this.done += count;
    this.report();
  }

  /** `count` more units that needed no work: done at once, left out of the rate. */
  skip(count = 1): void {
    this.done += count;
    this.cachedCount += count;
    this.report();
  }

  /** Sets the units done so far (for callbacks that report a running total); the increase counts as computed. */
  update(done: number): void {
    this.advance(Math.max(0, done - this.done));
  }

  snapshot(): ProgressSnapshot {
    return snapshotProgress(this.done, this.cachedCount, this.options.total, (this.now() - this.started) / 1000);
  }

  /**
   * A line for a person that must not be overwritten (an epoch's losses): on a terminal the
   * bar is cleared, the line written, and the bar drawn again below it.
   */
  note(line: string): void {
    if (!this.tty) {
      this.options.sink.write(`${line}\n`);
      return;
    }
    this.options.sink.write(`\r\x1b[K${line}\n`);
    if (this.lastWrite > -Infinity && !this.finished) this.write(this.line(this.snapshot()));
  }

  /** Writes the closing line (always, terminal or not): what was done, how long it took, at what rate. */
  finish(): ProgressSnapshot {
    const snapshot = this.snapshot();
    if (this.finished) return snapshot;
    this.finished = true;
    const { label, total, unit } = this.options;
    const count = total === undefined ? `${snapshot.done}` : `${snapshot.done}/${total}`;
    const computed = snapshot.done - snapshot.cached;
    const cached = snapshot.cached === 0 ? "" : computed === 0 ? " all cached" : `, ${snapshot.cached} cached`;
    const rate = snapshot.rate === undefined ? "" : ` (${formatRate(snapshot.rate, unit)})`;
    this.write(`${label} done: ${count}${cached} in ${formatDuration(snapshot.elapsedSeconds)}${rate}`);
    if (this.tty) this.options.sink.write("\n");
    return snapshot;
  }

  private report(): void {
    if (this.finished) return;
    const at = this.now();
    const snapshot = this.snapshot();
    if (this.tty) {
      if (at - this.lastWrite < (this.options.redrawMs ?? 200)) return;
    } else {
      const total = this.options.total;
      const step = this.options.logEveryPercent ?? 10;
      const percent = total === undefined ? 0 : percentOf(snapshot.done, total);
      const crossed = total !== undefined && Math.floor(percent / step) > Math.floor(this.lastLoggedPercent / step);
      if (!crossed && at - this.lastWrite < (this.options.logEveryMs ?? 30_000)) return;
      this.lastLoggedPercent = percent;
    }
    this.lastWrite = at;
    this.write(this.line(snapshot));
  }

  private line(snapshot: ProgressSnapshot): string {
    const { label, total, unit } = this.options;
    const text = formatProgress(snapshot, unit);
    // The bar is for a person at a terminal; a log line is easier to grep without it.
    if (!this.tty || total === undefined) return `${label} ${text}`;
    const filled = Math.round((percentOf(snapshot.done, total) / 100) * barWidth);
    return `${label} ${"█".repeat(filled)}${"░".repeat(barWidth - filled)} ${text}`;
  }

  private write(line: string): void {
    this.options.sink.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }
}

/** A reporter, or none when there is no sink (library callers that want silence). */
export function createProgress(options: Omit<ProgressOptions, "sink"> & { sink?: ProgressSink }): Progress | undefined {
  return options.sink ? new Progress({ ...options, sink: options.sink }) : undefined;
}

function percentOf(done: number, total: number): number {
  return total > 0 ? Math.min(100, (100 * done) / total) : 100;
}
