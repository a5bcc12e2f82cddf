import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { findFreePort } from "../../lib/net/free-port";

const run = promisify(execFile);

/** This benchmark's own Next build folder, so it never touches another build. */
export const BENCH_DIST_DIR = ".next-bench";

function nextBin(appDir: string): string {
  return path.join(appDir, "node_modules/.bin/next");
}

/**
 * A clean copy of the committed app (git archive HEAD) outside the working tree, with
 * node_modules hard-linked in: the benchmark serves what is committed, and other work in
 * progress in the shared tree (half-edited files that fail the type check) cannot break
 * its build. Data and models are read from the working tree through absolute env paths.
 */
export function exportCommittedApp(log: (m: string) => void, ref = "HEAD"): Promise<{ dir: string; commit: string }> {
  // Once per process: every benchmark of one run serves the same commit, even if HEAD moves meanwhile.
  exported ??= exportApp(log, ref);
  return exported;
}

let exported: Promise<{ dir: string; commit: string }> | undefined;

async function exportApp(log: (m: string) => void, ref: string): Promise<{ dir: string; commit: string }> {
  const commit = (await run("git", ["rev-parse", "--short=12", "--verify", `${ref}^{commit}`])).stdout.trim();
  const dir = path.join(os.tmpdir(), `vps-bench-app-${commit}`);
  if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "node_modules"))) return { dir, commit };
  log(`exporting commit ${commit} to ${dir}`);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  await run("sh", ["-c", `git archive ${commit} | tar -x -C "${dir}"`], { maxBuffer: 1 << 20 });
  await run("cp", ["-al", path.resolve("node_modules"), path.join(dir, "node_modules")]);
  return { dir, commit };
}

/** Absolute data and model paths for a server running from another directory. */
export function appEnv(config: { CATALOG_DIR: string; MODELS_DIR: string; CACHE_DIR: string }): Record<string, string> {
  return { CATALOG_DIR: config.CATALOG_DIR, MODELS_DIR: config.MODELS_DIR, CACHE_DIR: config.CACHE_DIR };
}

export type NextBuildOptions = {
  /** The build folder (NEXT_DIST_DIR), relative to the app; BENCH_DIST_DIR by default. */
  distDir?: string;
  /** Extra environment for next build (e.g. NEXT_SKIP_TYPECHECK for a tree others are editing). */
  env?: Record<string, string>;
};

/**
 * `next build` into the build folder, unless a build younger than `maxAgeMinutes` exists.
 * next build may rewrite tsconfig.json and next-env.d.ts; they are restored afterwards.
 */
export async function buildNext(
  appDir: string,
  log: (m: string) => void,
  maxAgeMinutes: number,
  options: NextBuildOptions = {},
): Promise<{ seconds: number; reused: boolean; builtAt: string }> {
  const distDir = options.distDir ?? BENCH_DIST_DIR;
  const stamp = path.join(appDir, distDir, "BUILD_ID");
  if (existsSync(stamp)) {
    const { mtime } = await fs.stat(stamp);
    if (Date.now() - mtime.getTime() < maxAgeMinutes * 60_000) return { seconds: 0, reused: true, builtAt: mtime.toISOString() };
  }
  const guarded = ["tsconfig.json", "next-env.d.ts"].map((f) => path.join(appDir, f));
  const saved = await Promise.all(guarded.map((f) => fs.readFile(f, "utf8").catch(() => undefined)));
  log(`next build → ${distDir} (a few minutes on 2 busy cores)`);
  const t0 = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(nextBin(appDir), ["build"], { cwd: appDir, env: { ...process.env, ...options.env, NEXT_DIST_DIR: distDir }, stdio: ["ignore", "inherit", "inherit"] });
      child.once("error", reject);
      child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`next build exited ${code}`))));
    });
  } finally {
    await Promise.all(guarded.map(async (f, i) => {
      const before = saved[i];
      if (before !== undefined && (await fs.readFile(f, "utf8").catch(() => undefined)) !== before) await fs.writeFile(f, before);
    }));
  }
  return { seconds: (performance.now() - t0) / 1000, reused: false, builtAt: new Date().toISOString() };
}

export type NextServer = { url: string; child: ChildProcess; startedAt: number; stop: () => Promise<void> };

/** Spawns `next start` of `distDir` in `appDir` on a free loopback port; `startedAt` is performance.now() at spawn. */
export async function startNext(appDir: string, env: Record<string, string> = {}, distDir = BENCH_DIST_DIR): Promise<NextServer> {
  const port = await findFreePort();
  const startedAt = performance.now();
  const child = spawn(nextBin(appDir), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: appDir,
    env: { ...process.env, NEXT_DIST_DIR: distDir, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    startedAt,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.exitCode === null && child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A multipart/form-data body with one file field. */
export function multipartBody(field: string, filename: string, bytes: Uint8Array, boundary: string): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: image/jpeg\r\n\r\n`),
    Buffer.from(bytes),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

/** POSTs a photo until the server answers 200 (connection refused while it boots); returns ms since `since`. */
export async function firstAnsweredSearch(url: string, body: Buffer, boundary: string, since: number, timeoutMs = 120_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      const res = await fetch(`${url}/api/search?k=10`, { method: "POST", body: Uint8Array.from(body), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } });
      const text = await res.text();
      if (res.ok) return performance.now() - since;
      if (res.status !== 503) throw new Error(`first search answered ${res.status}: ${text.slice(0, 200)}`);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // fetch failed: not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no answered search within ${timeoutMs} ms`);
}
