import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The import graph of the application code (lib/, app/, scripts/, bench/; tests excluded),
// read from the sources themselves: no circles, no import from a lower layer to a higher
// one, and Next.js only where the web layer is. docs/architecture.md explains the layers.

const root = path.resolve(import.meta.dirname, "..");
const sourceRoots = ["lib", "app", "scripts", "bench"];
/** Next.js entry points that must sit at the root; they belong to the web layer, with app/. */
const rootWebFiles = ["instrumentation.ts", "proxy.ts", "middleware.ts"];

/**
 * The layers, lowest first. A folder may import its own row and the rows below it, never
 * a row above. Every folder of lib/ must be listed: a new one gets its row here.
 */
const layers: readonly (readonly string[])[] = [
  ["lib/errors", "lib/fs", "lib/random", "lib/matrix", "lib/net", "lib/progress", "lib/plural", "lib/workers"],
  ["lib/onnx", "lib/image", "lib/colour", "lib/scene", "lib/catalog"],
  ["lib/config", "lib/index", "lib/metrics", "lib/train", "lib/text"],
  ["lib/model"],
  ["lib/embed", "lib/region", "lib/vector-store", "lib/explain"],
  ["lib/search"],
  ["lib/live"],
  ["lib/pipeline", "lib/share"],
  ["lib/curation"],
  ["lib/server", "lib/cli"],
  ["app", "scripts", "bench"],
];

/**
 * Imports narrower than the layers: the served graph is built from the trainer's weights, so
 * lib/model reads the shapes in lib/train/types.ts, never the trainer itself.
 */
const narrowImports: ReadonlyArray<{ from: string; to: string; only: readonly string[] }> = [
  { from: "lib/model", to: "lib/train", only: ["lib/train/types.ts"] },
];

/** The only folders that may import `next`, `next/*` or `server-only` (it throws outside Next). */
const webFolders = ["lib/server", "app"];

type Import = { from: string; to: string; specifier: string; line: number; typeOnly: boolean };

/** The folder a file belongs to: `lib/<name>` (a top-level lib file is its own folder, lib/errors.ts → lib/errors), else the top folder. */
function folderOf(file: string): string {
  if (rootWebFiles.includes(file)) return "app";
  const parts = file.split("/");
  if (parts[0] !== "lib") return parts[0]!;
  return parts.length > 2 ? `lib/${parts[1]}` : `lib/${parts[1]!.replace(/\.tsx?$/, "")}`;
}

function listSources(): string[] {
  const files = rootWebFiles.filter((file) => existsSync(path.join(root, file)));
  for (const top of sourceRoots) {
    for (const entry of readdirSync(path.join(root, top), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/");
      if (file.split("/").includes("node_modules")) continue;
      if (!/\.tsx?$/.test(file) || /\.(test|e2e)\.tsx?$/.test(file) || file.endsWith(".d.ts")) continue;
      files.push(file);
    }
  }
  return files.sort();
}

/** The source with comments and template-literal bodies blanked (so an import written in either is not read as one); line breaks kept. */
function blankCommentsAndTemplates(text: string): string {
  let out = "";
  let i = 0;
  const blank = (s: string) => s.replace(/[^\n]/g, " ");
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    let end: number;
    if (c === "/" && next === "/") {
      end = text.indexOf("\n", i);
      end = end < 0 ? text.length : end;
      out += blank(text.slice(i, end));
    } else if (c === "/" && next === "*") {
      end = text.indexOf("*/", i + 2);
      end = end < 0 ? text.length : end + 2;
      out += blank(text.slice(i, end));
    } else if (c === '"' || c === "'" || c === "`") {
      end = i + 1;
      while (end < text.length && text[end] !== c && !(c !== "`" && text[end] === "\n")) end += text[end] === "\\" ? 2 : 1;
      end = Math.min(end + 1, text.length);
      out += c === "`" ? `\`${blank(text.slice(i + 1, end - 1))}\`` : text.slice(i, end);
    } else {
      end = i + 1;
      out += c;
    }
    i = end;
  }
  return out;
}

const staticImport = /(?:^|[;\s}])(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]*?\s*from\s*)?(["'])([^"'\n]+)\1/g;
const dynamicImport = /\bimport\s*\(\s*(["'])([^"'\n]+)\1\s*\)/g;

/** `import type … from` / `export type … from`: erased by TypeScript, so nothing is loaded at run time. */
const typeOnlyImport = /^[;\s}]?(?:import|export)\s+type\s/;

function readSpecifiers(text: string): Array<{ specifier: string; line: number; typeOnly: boolean }> {
  const code = blankCommentsAndTemplates(text);
  const found: Array<{ specifier: string; line: number; typeOnly: boolean }> = [];
  for (const pattern of [staticImport, dynamicImport]) {
    for (const match of code.matchAll(pattern)) {
      const at = match.index + match[0].lastIndexOf(match[2]!);
      found.push({ specifier: match[2]!, line: code.slice(0, at).split("\n").length, typeOnly: typeOnlyImport.test(match[0]) });
    }
  }
  return found;
}

/** A relative or "@/" specifier as a repository file, or undefined for a package. */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith("@/")) base = specifier.slice(2);
  else if (specifier.startsWith(".")) base = path.posix.join(path.posix.dirname(from), specifier);
  else return undefined;
  const stem = base.replace(/\.js$/, "");
  for (const candidate of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}/index.ts`, `${stem}/index.tsx`]) {
    const file = path.join(root, candidate);
    if (existsSync(file) && statSync(file).isFile()) return path.posix.normalize(candidate);
  }
  throw new Error(`${from}: cannot resolve import "${specifier}"`);
}

function readGraph() {
  const files = listSources();
  const sources = new Set(files);
  const imports: Import[] = [];
  const testImports: Import[] = [];
  const packages: Array<{ from: string; specifier: string; line: number; typeOnly: boolean }> = [];
  const clientEntries: string[] = [];
  const serverActions = new Set<string>();
  for (const from of files) {
    const text = readFileSync(path.join(root, from), "utf8");
    if (/^\s*["']use client["']/.test(text)) clientEntries.push(from);
    if (/^\s*["']use server["']/.test(text)) serverActions.add(from);
    for (const { specifier, line, typeOnly } of readSpecifiers(text)) {
      const to = resolveSpecifier(from, specifier);
      if (to === undefined) packages.push({ from, specifier, line, typeOnly });
      else if (sources.has(to)) imports.push({ from, to, specifier, line, typeOnly });
      else if (/\.(ts|tsx)$/.test(to)) testImports.push({ from, to, specifier, line, typeOnly });
      // Anything else is an asset (a stylesheet), not code.
    }
  }
  return { files, imports, testImports, packages, clientEntries, serverActions };
}

/**
 * What the browser would load: from each client entry, every file its value imports reach, with the chain
 * that led there. A "use server" module stays on the server (the client gets a reference to call it by).
 */
function findBrowserImports(
  { clientEntries, serverActions, imports, packages }: ReturnType<typeof readGraph>,
) {
  const reached = new Map<string, string[]>(clientEntries.map((entry) => [entry, [entry]]));
  const queue = [...clientEntries];
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const { to } of imports.filter((i) => i.from === from && !i.typeOnly)) {
      if (reached.has(to) || serverActions.has(to)) continue;
      reached.set(to, [...reached.get(from)!, to]);
      queue.push(to);
    }
  }
  const bundledPackages = packages.filter((p) => !p.typeOnly && reached.has(p.from)).map((p) => ({ ...p, chain: reached.get(p.from)! }));
  return { reached, bundledPackages };
}

/** Every strongly connected component of more than one file (or a file importing itself), as one circle through it each. */
function findCircles(files: string[], imports: Import[]): string[][] {
  const edges = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const { from, to } of imports) if (!edges.get(from)!.includes(to)) edges.get(from)!.push(to);
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || edges.get(v)!.includes(v)) components.push(component);
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return components.map((component) => circleThrough(component, edges));
}

/** The shortest path from the component's first file (alphabetically) back to itself, staying inside the component. */
function circleThrough(component: string[], edges: Map<string, string[]>): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const circle = [start];
        for (let at = v; at !== start; at = previous.get(at)!) circle.splice(1, 0, at);
        return [...circle, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

const layerOf = new Map(layers.flatMap((row, level) => row.map((folder) => [folder, level] as const)));

describe("import structure", () => {
  const graph = readGraph();
  const { files, imports, testImports, packages } = graph;
  const where = (i: { from: string; line: number; specifier: string }) => `${i.from}:${i.line} imports "${i.specifier}"`;

  it("reads the application's sources", () => {
    // A parser that silently found nothing would pass every rule below.
    expect(files.length).toBeGreaterThan(100);
    expect(imports.length).toBeGreaterThan(files.length);
    expect(imports).toContainEqual(expect.objectContaining({ from: "lib/server/error-response.ts", to: "lib/errors.ts" }));
  });

  it("puts every folder in the layer table", () => {
    const unlisted = [...new Set(files.map(folderOf))].filter((folder) => !layerOf.has(folder));
    expect(unlisted, `folders missing from the layer table in tests/structure.test.ts: ${unlisted.join(", ")}`).toEqual([]);
  });

  it("has no import circles", () => {
    const circles = findCircles(files, imports).map((circle) => circle.join(" → "));
    expect(circles, `import circles:\n  ${circles.join("\n  ")}`).toEqual([]);
  });

  it("imports only from its own layer or a lower one", () => {
    const upward = imports
      .filter((i) => (layerOf.get(folderOf(i.from)) ?? Infinity) < (layerOf.get(folderOf(i.to)) ?? -Infinity))
      .map((i) => `${where(i)} (${folderOf(i.from)} is below ${folderOf(i.to)})`);
    expect(upward, `imports from a lower layer to a higher one:\n  ${upward.join("\n  ")}`).toEqual([]);
  });

  it("keeps the narrow imports narrow", () => {
    const wide = imports
      .filter((i) => narrowImports.some((n) => folderOf(i.from) === n.from && folderOf(i.to) === n.to && !n.only.includes(i.to)))
      .map(where);
    expect(wide, `imports wider than narrowImports allows:\n  ${wide.join("\n  ")}`).toEqual([]);
  });

  it("never imports test code (tests/, e2e/, *.test.ts)", () => {
    const offending = testImports.map(where);
    expect(offending, `application code importing test code:\n  ${offending.join("\n  ")}`).toEqual([]);
  });

  it("imports next/* and server-only only in lib/server/ and app/", () => {
    const web = packages
      .filter((p) => /^(next|server-only)(\/|$)/.test(p.specifier))
      .filter((p) => !webFolders.includes(folderOf(p.from)))
      .map(where);
    expect(web, `Next.js imports outside ${webFolders.join(" and ")}:\n  ${web.join("\n  ")}`).toEqual([]);
  });

  it("keeps Node built-ins, server-only and lib/server out of the browser bundle ('use client' files and what they import)", () => {
    const { reached, bundledPackages } = findBrowserImports(graph);
    // The console parses the API's answers with the routes' own schemas; this is what keeps those loadable in a browser.
    expect(reached.has("app/api/admin/suspects/schema.ts")).toBe(true);
    const serverOnly = [
      ...bundledPackages.filter((p) => p.specifier.startsWith("node:") || builtinModules.includes(p.specifier) || p.specifier === "server-only"),
      ...[...reached.keys()].filter((file) => file.startsWith("lib/server/")).map((file) => ({ specifier: "", chain: reached.get(file)! })),
    ].map(({ specifier, chain }) => [...chain, specifier].filter(Boolean).join(" → "));
    expect(serverOnly, `server code reachable from a client component:\n  ${serverOnly.join("\n  ")}`).toEqual([]);
  });
});
