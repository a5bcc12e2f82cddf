import { describe, expect, it } from "vitest";
import { formatDuration, formatProgress, Progress, snapshotProgress, type ProgressOptions } from "./progress";

/** A sink that keeps what was written, and a clock that moves only when told. */
function fakeRun(options: Partial<ProgressOptions> & { tty?: boolean } = {}) {
  const chunks: string[] = [];
  let ms = 1_000_000;
  const sink = { isTTY: options.tty ?? false, write: (text: string) => chunks.push(text) };
  const progress = new Progress({ label: "embed", total: 100, now: () => ms, ...options, sink });
  return {
    progress,
    chunks,
    tick: (seconds: number) => {
      ms += seconds * 1000;
    },
    lines: () => chunks.join("").split("\n").filter(Boolean),
  };
}

describe("snapshotProgress", () => {
  it("rates the computed units only and counts cached ones as done", () => {
    // 600 of 1000 were cached, 100 computed in 10 s: 10/s, 300 left → 30 s.
    const s = snapshotProgress(700, 600, 1000, 10);
    expect(s.rate).toBe(10);
    expect(s.etaSeconds).toBe(30);
  });

  it("has no rate and no ETA before anything is computed, and ETA 0 when all is done", () => {
    expect(snapshotProgress(600, 600, 1000, 10)).toMatchObject({ rate: undefined, etaSeconds: undefined });
    expect(snapshotProgress(1000, 1000, 1000, 0.5)).toMatchObject({ rate: undefined, etaSeconds: 0 });
  });

  it("leaves the ETA unknown when the total is", () => {
    expect(snapshotProgress(50, 0, undefined, 5)).toMatchObject({ rate: 10, etaSeconds: undefined });
  });
});

describe("formatProgress", () => {
  it("says a fully cached run is all cached, not 0.0/s ETA ?", () => {
    expect(formatProgress(snapshotProgress(39579, 39579, 39579, 0.2))).toBe("39579/39579 (100.0%) all cached");
  });

  it("shows count, percent, cached, rate and ETA", () => {
    expect(formatProgress(snapshotProgress(700, 600, 1000, 10))).toBe("700/1000 (70.0%), 600 cached 10.0/s ETA 30s");
  });

  it("shows slow units as seconds per unit", () => {
    expect(formatProgress(snapshotProgress(2, 0, 30, 24), "epoch")).toBe("2/30 (6.7%) 12.0 s/epoch ETA 5m36s");
  });

  it("formats durations", () => {
    expect([formatDuration(12.4), formatDuration(185), formatDuration(3720), formatDuration(Infinity)]).toEqual(["12s", "3m05s", "1h02m", "?"]);
  });
});

describe("Progress", () => {
  it("outside a terminal writes a plain line each 10% and not for every unit", () => {
    const run = fakeRun();
    for (let i = 0; i < 100; i++) {
      run.tick(0.1);
      run.progress.advance();
    }
    run.progress.finish();
    const lines = run.lines();
    // The first unit, 10 crossings (10%..100%) and the closing line; no \r redraws.
    expect(lines).toHaveLength(12);
    expect(run.chunks.join("")).not.toContain("\r");
    expect(lines.slice(0, 2)).toEqual(["embed 1/100 (1.0%) 10.0/s ETA 10s", "embed 10/100 (10.0%) 10.0/s ETA 9s"]);
    expect(lines.at(-1)).toBe("embed done: 100/100 in 10s (10.0/s)");
  });

  it("outside a terminal also writes a line when logEveryMs passed without a new step", () => {
    const run = fakeRun({ total: 1000, logEveryMs: 30_000 });
    run.progress.advance(); // 0.1%: the first report, since nothing was written yet
    run.tick(10);
    run.progress.advance(); // 10 s later: quiet
    run.tick(25);
    run.progress.advance(); // 35 s after the last line: a line
    expect(run.lines()).toEqual(["embed 1/1000 (0.1%) starting", "embed 3/1000 (0.3%) 11.7 s/item ETA 3h13m"]);
  });

  it("on a terminal redraws one line in place, at most every redrawMs, and ends it on finish", () => {
    const run = fakeRun({ tty: true, redrawMs: 200 });
    run.progress.advance(); // drawn
    run.tick(0.1);
    run.progress.advance(); // 100 ms later: skipped
    run.tick(0.2);
    run.progress.advance(); // drawn
    run.progress.finish();
    expect(run.chunks.filter((c) => c.startsWith("\r"))).toHaveLength(3);
    expect(run.chunks.at(-1)).toBe("\n");
    expect(run.chunks[0]).toMatch(/^\rembed [█░]{24} 1\/100 \(1\.0%\) starting\x1b\[K$/);
  });

  it("counts skipped units as done at once and rates the computed ones only", () => {
    const run = fakeRun({ total: 1000 });
    run.progress.skip(900);
    run.tick(20);
    run.progress.advance(50);
    const snapshot = run.progress.snapshot();
    expect(snapshot).toMatchObject({ done: 950, cached: 900, rate: 2.5, etaSeconds: 20 });
    run.progress.advance(50);
    expect(run.progress.finish()).toMatchObject({ done: 1000, etaSeconds: 0 });
    expect(run.lines().at(-1)).toBe("embed done: 1000/1000, 900 cached in 20s (5.0/s)");
  });

  it("says all cached when nothing had to be computed", () => {
    const run = fakeRun({ total: 40 });
    run.progress.skip(40);
    run.tick(0.3);
    run.progress.finish();
    expect(run.lines().at(-1)).toBe("embed done: 40/40 all cached in 0s");
  });

  it("takes running totals from callbacks", () => {
    const run = fakeRun({ label: "pg-sync", total: 3000 });
    run.tick(2);
    run.progress.update(1000);
    run.tick(2);
    run.progress.update(2000);
    expect(run.progress.snapshot()).toMatchObject({ done: 2000, cached: 0, rate: 500, etaSeconds: 2 });
  });

  it("writes the closing line once", () => {
    const run = fakeRun();
    run.progress.advance(100);
    run.progress.finish();
    run.progress.finish();
    run.progress.advance();
    expect(run.lines().filter((line) => line.includes(" done: "))).toHaveLength(1);
  });

  it("writes notes above the bar on a terminal and as plain lines elsewhere", () => {
    const tty = fakeRun({ tty: true, label: "train", total: 30, unit: "epoch" });
    tty.progress.advance();
    tty.progress.note("epoch  1  train 0.41");
    expect(tty.chunks.slice(1)).toEqual(["\r\x1b[Kepoch  1  train 0.41\n", tty.chunks[0]]);
    const log = fakeRun({ label: "train", total: 30 });
    log.progress.note("epoch  1  train 0.41");
    expect(log.chunks).toEqual(["epoch  1  train 0.41\n"]);
  });
});
