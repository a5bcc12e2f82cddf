/** The console's client logic: recent actions and their undo, and the import's NDJSON progress. */
import { describe, expect, it } from "vitest";
import { createConsoleApi, type ConsoleItem } from "@/app/admin/_components/admin-api";
import { createActionLog, createConsoleActions, toRestoreForm, type RecordedAction } from "@/app/admin/_components/console-actions";
import { applyImportLine, countCsvRows, importFraction, readImportLines, startImportProgress, type ImportLine } from "@/app/admin/_components/import-progress";

const shirt: ConsoleItem = {
  id: "1163",
  productDisplayName: "Nike Sahara Team India Fanwear Round Neck Jersey",
  articleType: "Tshirts",
  gender: "Men",
  masterCategory: "Apparel",
  subCategory: "Topwear",
  baseColour: "Blue",
  season: "Summer",
  year: "2011",
  usage: "Sports",
};
const photoBytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 250, 0, 0xff, 0xd9]);

/** A product as the item API answers it (itemResponseSchema): the fields plus what the server derives. */
function toItemAnswer(item: ConsoleItem) {
  return { ...item, imageHash: "a".repeat(64), imageExt: "jpg", width: 60, height: 80, label: item.articleType, split: "train", imageUrl: `/api/images/${item.id}` };
}

/**
 * An in-memory admin API behind a fetch double: items, their photos, dismissals, and
 * every request it saw (method, path, CSRF header) so the tests can check what was sent.
 */
function fakeServer() {
  const items = new Map<string, ConsoleItem>([[shirt.id, { ...shirt }]]);
  const photos = new Map<string, Uint8Array>([[shirt.id, photoBytes]]);
  const dismissed = new Set<string>();
  const seen: { method: string; path: string; csrf: string | null }[] = [];
  let brokenAnswers = false;
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const fetchImpl = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), "http://console.test");
    const method = init.method ?? "GET";
    seen.push({ method, path: url.pathname, csrf: new Headers(init.headers).get("x-csrf-token") });
    const itemMatch = /^\/api\/items\/([^/]+)$/.exec(url.pathname);
    const imageMatch = /^\/api\/images\/([^/]+)$/.exec(url.pathname);
    const dismissMatch = /^\/api\/admin\/suspects\/([^/]+)\/dismiss$/.exec(url.pathname);
    if (itemMatch) {
      const id = decodeURIComponent(itemMatch[1]!);
      const item = items.get(id);
      if (!item) return json({ error: { code: "not_found", message: "No catalog item has that id." } }, 404);
      if (method === "GET") return json({ item: brokenAnswers ? item : toItemAnswer(item) });
      if (method === "PATCH") {
        Object.assign(item, JSON.parse(String(init.body)));
        return json({ item: toItemAnswer(item) });
      }
      if (method === "DELETE") {
        items.delete(id);
        photos.delete(id);
        return json({ removed: id });
      }
    }
    if (imageMatch && method === "GET") {
      const bytes = photos.get(decodeURIComponent(imageMatch[1]!));
      return bytes ? new Response(new Blob([new Uint8Array(bytes)], { type: "image/jpeg" })) : json({ error: { code: "not_found", message: "x" } }, 404);
    }
    if (url.pathname === "/api/items" && method === "POST") {
      const form = init.body as FormData;
      const id = String(form.get("id"));
      const fields = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === "string")) as unknown as ConsoleItem;
      items.set(id, { ...fields, id });
      photos.set(id, new Uint8Array(await (form.get("image") as Blob).arrayBuffer()));
      return json({ item: toItemAnswer(items.get(id)!), status: "added", duplicates: [] }, 201);
    }
    if (dismissMatch) {
      const id = decodeURIComponent(dismissMatch[1]!);
      if (method === "POST") dismissed.add(id);
      else dismissed.delete(id);
      return json(method === "POST" ? { id, dismissed: true, label: items.get(id)?.articleType, at: new Date(0).toISOString() } : { id, dismissed: false, changed: true });
    }
    return json({ error: { code: "not_found", message: `no route ${method} ${url.pathname}` } }, 404);
  }) as typeof fetch;
  return { items, photos, dismissed, seen, fetchImpl, answerItemsWithoutServerFields: () => void (brokenAnswers = true) };
}

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (key: string) => data.get(key) ?? null, setItem: (key: string, value: string) => void data.set(key, value), data };
}

function setup() {
  const server = fakeServer();
  const storage = memoryStorage();
  const log = createActionLog(storage);
  const actions = createConsoleActions(createConsoleApi("csrf-123", server.fetchImpl), log);
  return { server, storage, log, actions };
}

describe("console actions", () => {
  it("relabel records the value the server had, and undo puts it back", async () => {
    const { server, log, actions } = setup();
    const action = await actions.relabel(shirt.id, "Jerseys");
    expect(server.items.get(shirt.id)!.articleType).toBe("Jerseys");
    expect(action).toMatchObject({ kind: "relabel", before: { articleType: "Tshirts" }, after: { articleType: "Jerseys" } });
    expect(log.list()).toHaveLength(1);
    await actions.undo(action.key);
    expect(server.items.get(shirt.id)!.articleType).toBe("Tshirts");
    expect(log.list()).toHaveLength(0);
  });

  it("every write carries the CSRF token, reads do not need it", async () => {
    const { server, actions } = setup();
    await actions.relabel(shirt.id, "Jerseys");
    const writes = server.seen.filter((r) => r.method !== "GET");
    expect(writes.length).toBeGreaterThan(0);
    for (const write of writes) expect(write.csrf).toBe("csrf-123");
    for (const read of server.seen.filter((r) => r.method === "GET")) expect(read.csrf).toBeNull();
  });

  it("undo of a relabel refuses when the label was changed since", async () => {
    const { server, actions } = setup();
    const action = await actions.relabel(shirt.id, "Jerseys");
    server.items.get(shirt.id)!.articleType = "Tops";
    await expect(actions.undo(action.key)).rejects.toThrow(/changed since/);
    expect(server.items.get(shirt.id)!.articleType).toBe("Tops");
  });

  it("delete keeps the whole product and its photo, and undo adds it back as it was", async () => {
    const { server, storage, actions } = setup();
    const action = await actions.remove(shirt.id);
    expect(server.items.has(shirt.id)).toBe(false);
    // The record survives a reload of the page: it is in storage, not only in memory.
    const stored = JSON.parse(storage.data.get("vps-admin-actions")!) as RecordedAction[];
    expect(stored[0]).toMatchObject({ kind: "delete", item: shirt });
    const reloaded = createConsoleActions(createConsoleApi("csrf-123", server.fetchImpl), createActionLog(storage));
    await reloaded.undo(action.key);
    expect(server.items.get(shirt.id)).toEqual(shirt);
    expect([...server.photos.get(shirt.id)!]).toEqual([...photoBytes]);
  });

  it("dismiss and its undo go to the dismiss endpoint", async () => {
    const { server, actions } = setup();
    const action = await actions.dismiss(shirt.id);
    expect(server.dismissed.has(shirt.id)).toBe(true);
    await actions.undo(action.key);
    expect(server.dismissed.has(shirt.id)).toBe(false);
  });

  it("a refused change is not recorded, with the server's message", async () => {
    const { log, actions } = setup();
    await expect(actions.relabel("no-such-id", "Jerseys")).rejects.toThrow("No catalog item has that id.");
    await expect(actions.remove("no-such-id")).rejects.toThrow("No catalog item has that id.");
    expect(log.list()).toEqual([]);
  });

  it("reads answers with the routes' own schemas: an item answer missing the server's fields is refused, nothing recorded", async () => {
    const { server, log, actions } = setup();
    server.answerItemsWithoutServerFields();
    await expect(actions.relabel(shirt.id, "Jerseys")).rejects.toThrow(/unexpected shape/);
    expect(server.items.get(shirt.id)!.articleType).toBe("Tshirts");
    expect(log.list()).toEqual([]);
  });

  it("the restore form has every field, the id and the photo", async () => {
    const form = toRestoreForm({ key: "k", kind: "delete", id: shirt.id, at: 0, item: shirt, photo: { type: "image/jpeg", base64: btoa("abc") } });
    expect(form.get("id")).toBe(shirt.id);
    expect(form.get("usage")).toBe("Sports");
    const image = form.get("image") as File;
    expect(image.name).toBe("1163.jpg");
    expect(await image.text()).toBe("abc");
  });
});

describe("import progress", () => {
  const lines: ImportLine[] = [
    { type: "item", line: 2, id: "a", status: "added", duplicates: [] },
    { type: "error", line: 3, id: "b", message: "articleType is required" },
    { type: "error", image: "stray.jpg", message: "no CSV row has this id" },
    { type: "item", line: 4, id: "c", status: "unchanged", duplicates: [] },
  ];

  it("counts the CSV's rows, quoted line breaks and blank lines included", () => {
    expect(countCsvRows('id,articleType,productDisplayName\n1,Shirts,"Blue\nshirt"\n\n2,Watches,Watch\n')).toBe(2);
  });

  it("moves the bar one row per item or row error, not for a stray photo, and ends at done", () => {
    let progress = startImportProgress(4);
    const fractions: number[] = [];
    for (const line of lines) {
      progress = applyImportLine(progress, line);
      fractions.push(importFraction(progress));
    }
    expect(fractions).toEqual([0.25, 0.5, 0.5, 0.75]);
    expect(progress).toMatchObject({ added: 1, unchanged: 1, state: "running" });
    expect(progress.errors).toEqual(["line 3: articleType is required", "stray.jpg: no CSV row has this id"]);
    progress = applyImportLine(progress, { type: "done", rows: 4, added: 2, replaced: 0, unchanged: 1, errors: 1 });
    expect(importFraction(progress)).toBe(1);
    expect(progress.state).toBe("done");
  });

  it("a failed line stops it with the message", () => {
    const progress = applyImportLine(startImportProgress(3), { type: "failed", code: "insufficient_storage", message: "The disk is full." });
    expect(progress).toMatchObject({ state: "failed", failure: "The disk is full." });
  });

  it("reads NDJSON split anywhere across chunks, multi-byte characters included", async () => {
    const text = `${lines.map((l) => JSON.stringify(l)).join("\n")}\n${JSON.stringify({ type: "error", line: 9, message: "colour «bleu» ✓" })}`;
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.subarray(i, i + 7));
        controller.close();
      },
    });
    const read: ImportLine[] = [];
    await readImportLines(body, (line) => read.push(line));
    expect(read.slice(0, 4)).toEqual(lines);
    expect(read[4]).toMatchObject({ message: "colour «bleu» ✓" });
  });
});
