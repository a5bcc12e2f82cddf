/** Formats seconds as "1h02m", "3m05s" or "12s". */
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

export type ProgressSnapshot = { done: number; total: number; rate: number; etaSeconds: number };

/**
 * A progress bar with rate and ETA for long jobs. On a TTY it redraws one line;
 * elsewhere (CI logs) it prints a line at most every `logEveryMs`.
 */
export class ProgressBar {
  private readonly start = Date.now();
  private lastPrint = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly logEveryMs = 10_000,
    /** Work already done before this run (resumed), excluded from the rate. */
    private readonly resumedFrom = 0,
  ) {}

  snapshot(done: number): ProgressSnapshot {
    const elapsed = (Date.now() - this.start) / 1000;
    const rate = elapsed > 0 ? (done - this.resumedFrom) / elapsed : 0;
    return { done, total: this.total, rate, etaSeconds: rate > 0 ? (this.total - done) / rate : Infinity };
  }

  update(done: number, force = false): void {
    const now = Date.now();
    const tty = this.stream.isTTY === true;
    if (!force && now - this.lastPrint < (tty ? 200 : this.logEveryMs)) return;
    this.lastPrint = now;
    const { rate, etaSeconds } = this.snapshot(done);
    const pct = this.total > 0 ? (100 * done) / this.total : 100;
    const width = 24;
    const filled = Math.round((pct / 100) * width);
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    const line = `${this.label} ${bar} ${done}/${this.total} (${pct.toFixed(1)}%) ${rate.toFixed(1)}/s ETA ${formatDuration(etaSeconds)}`;
    this.stream.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
  }

  finish(done: number): void {
    this.update(done, true);
    if (this.stream.isTTY) this.stream.write("\n");
  }
}
