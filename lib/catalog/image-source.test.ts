import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { Header, create as createTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildZip, writeTarGzBomb, writeZipBomb } from "../../tests/helpers/archive-bomb";
import { AppError } from "../errors";
import type { ArchiveLimits } from "./archive-limits";
import { readImageEntries, type ImageSourceIssue } from "./image-source";

let tmp: string;
let root: string;
const bytesOf = (name: string) => Buffer.from(`bytes of ${name}`);

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "image-source-"));
  root = path.join(tmp, "src");
  await fs.mkdir(path.join(root, "images", "nested"), { recursive: true });
  await fs.mkdir(path.join(root, ".hidden"), { recursive: true });
  const files = ["images/1163.jpg", "images/2.PNG", "images/nested/3.jpeg", "images/4.webp", "images/5.gif", "images/notes.txt", "images/._6.jpg", ".hidden/7.jpg"];
  for (const file of files) await fs.writeFile(path.join(root, file), bytesOf(path.basename(file)));
  await fs.symlink("/etc/passwd", path.join(root, "images", "8.jpg"));
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function collect(source: string, options: { limits?: Partial<ArchiveLimits> } = {}) {
  const issues: ImageSourceIssue[] = [];
  const entries = [];
  for await (const entry of readImageEntries(source, { ...options, onIssue: (issue) => issues.push(issue) })) entries.push(entry);
  return { entries, issues };
}

const expectedImages = [
  ["1163", "1163.jpg"],
  ["2", "2.PNG"],
  ["3", "3.jpeg"],
  ["4", "4.webp"],
  ["5", "5.gif"],
];

function sortedPairs(entries: Array<{ id: string; name: string; bytes: Buffer }>) {
  for (const entry of entries) expect(entry.bytes.equals(bytesOf(entry.name))).toBe(true);
  return entries.map((e) => [e.id, e.name]).sort();
}

describe("readImageEntries", () => {
  it("walks a directory recursively, in sorted order, skipping links, hidden files and non-images", async () => {
    const { entries, issues } = await collect(root);
    expect(entries.map((e) => e.path)).toEqual(["images/1163.jpg", "images/2.PNG", "images/4.webp", "images/5.gif", "images/nested/3.jpeg"]);
    expect(sortedPairs(entries)).toEqual(expectedImages);
    expect(issues.map((i) => [i.path, i.kind]).sort()).toEqual([
      [".hidden", "skipped_entry"],
      ["images/._6.jpg", "skipped_entry"],
      ["images/8.jpg", "skipped_entry"],
      ["images/notes.txt", "skipped_entry"],
    ]);
  });

  it("streams a .tar and a .tar.gz without extracting", async () => {
    for (const gzip of [false, true]) {
      const file = path.join(tmp, gzip ? "images.tar.gz" : "images.tar");
      await createTar({ file, cwd: root, gzip, portable: true }, ["images"]);
      const { entries, issues } = await collect(file);
      expect(sortedPairs(entries)).toEqual(expectedImages);
      expect(issues.map((i) => [i.path, i.kind]).sort()).toEqual([
        ["images/._6.jpg", "skipped_entry"],
        ["images/8.jpg", "skipped_entry"],
        ["images/notes.txt", "skipped_entry"],
      ]);
    }
  });

  it("reports tar entries whose path escapes and never yields them", async () => {
    const file = path.join(tmp, "evil.tar");
    await fs.writeFile(
      file,
      buildTar([
        ["../evil.jpg", "escape"],
        ["/etc/abs.jpg", "absolute"],
        ["images/../../evil2.jpg", "escape"],
        ["images/ok.jpg", "fine"],
      ]),
    );
    const { entries, issues } = await collect(file);
    expect(entries.map((e) => [e.id, e.bytes.toString()])).toEqual([["ok", "fine"]]);
    expect(issues.map((i) => [i.path, i.kind])).toEqual([
      ["../evil.jpg", "unsafe_path"],
      ["/etc/abs.jpg", "unsafe_path"],
      ["images/../../evil2.jpg", "unsafe_path"],
    ]);
  });

  it("skips entries over the size limit", async () => {
    const file = path.join(tmp, "big.tar");
    await fs.writeFile(file, buildTar([["a/1.jpg", "x".repeat(5000)], ["a/2.jpg", "small"]]));
    const { entries, issues } = await collect(file, { limits: { maxEntryBytes: 1000 } });
    expect(entries.map((e) => e.id)).toEqual(["2"]);
    expect(issues).toEqual([expect.objectContaining({ path: "a/1.jpg", kind: "too_large" })]);
  });

  it("stops reading when the consumer stops", async () => {
    const file = path.join(tmp, "many.tar");
    await fs.writeFile(file, buildTar(Array.from({ length: 50 }, (_, i) => [`x/${i}.jpg`, `image ${i}`] as [string, string])));
    const seen: string[] = [];
    for await (const entry of readImageEntries(file)) {
      seen.push(entry.id);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(["0", "1", "2"]);
  });

  it("fails clearly on a file that is not a tar", async () => {
    const file = path.join(tmp, "not.tar");
    await fs.writeFile(file, "this is not a tar archive");
    await expect(collect(file)).rejects.toThrow(/Cannot read tar archive/);
  });

  it("reads a stored .zip and reports escaping and link entries instead of aborting", async () => {
    const file = path.join(tmp, "hand.zip");
    await fs.writeFile(
      file,
      buildStoredZip([
        { name: "images/1.jpg", data: "one" },
        { name: "../evil.jpg", data: "escape" },
        { name: "/abs/evil.jpg", data: "absolute" },
        { name: "images\\..\\..\\evil.jpg", data: "backslash escape" },
        { name: "images/link.jpg", data: "/etc/passwd", symlink: true },
        { name: "__MACOSX/images/._1.jpg", data: "apple" },
        { name: "images/", data: "" },
        { name: "images/2.gif", data: "two" },
      ]),
    );
    const { entries, issues } = await collect(file);
    expect(entries.map((e) => [e.id, e.bytes.toString()])).toEqual([["1", "one"], ["2", "two"]]);
    expect(issues.map((i) => [i.path, i.kind])).toEqual([
      ["../evil.jpg", "unsafe_path"],
      ["/abs/evil.jpg", "unsafe_path"],
      ["images\\..\\..\\evil.jpg", "unsafe_path"],
      ["images/link.jpg", "skipped_entry"],
      ["__MACOSX/images/._1.jpg", "skipped_entry"],
    ]);
  });

  it.skipIf(!hasZipCli())("reads a deflated .zip made by the zip CLI", async () => {
    const file = path.join(tmp, "cli.zip");
    // -y stores the link as a link (zip follows it by default).
    execFileSync("zip", ["-q", "-r", "-y", file, "images"], { cwd: root });
    const { entries, issues } = await collect(file);
    expect(sortedPairs(entries)).toEqual(expectedImages);
    expect(issues.find((i) => i.path === "images/8.jpg")).toMatchObject({ kind: "skipped_entry" });
  });

  it("refuses a missing source or an unknown kind of file", async () => {
    await expect(collect(path.join(tmp, "nope"))).rejects.toMatchObject({ code: "not_found" });
    const odd = path.join(tmp, "images.rar");
    await fs.writeFile(odd, "x");
    await expect(collect(odd)).rejects.toBeInstanceOf(AppError);
  });
});

describe("readImageEntries: archive bounds", () => {
  const tiny = (count: number) => Array.from({ length: count }, (_, i) => [`x/${i}.jpg`, `image ${i}`] as [string, string]);

  it("refuses a tar.gz bomb while inflating it, after a bounded number of bytes", async () => {
    const file = path.join(tmp, "bomb.tar.gz");
    // 12 entries of 20 MiB: 240 MiB of zeros in about 240 KB.
    const size = await writeTarGzBomb(file, { entries: 12, entryBytes: 20 * 1024 * 1024 });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const entry of readImageEntries(file, { limits: { maxRatio: 100 } })) seen.push(entry.id);
    })();
    await expect(reading).rejects.toMatchObject({ code: "payload_too_large", message: expect.stringMatching(/decompression bomb/) });
    expect(size).toBeLessThan(1024 * 1024);
    // Refused at 16 MiB (the ratio floor) or 100 × what was read, well before the 12th entry.
    expect(seen.length).toBeLessThan(3);
  });

  it("refuses a zip bomb from the sizes its directory declares, before inflating past the bound", async () => {
    const file = path.join(tmp, "bomb.zip");
    await writeZipBomb(file, { entries: 12, entryBytes: 20 * 1024 * 1024 });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const entry of readImageEntries(file, { onIssue: (issue) => seen.push(issue.path) })) seen.push(entry.id);
    })();
    await expect(reading).rejects.toMatchObject({ code: "payload_too_large", message: expect.stringMatching(/decompression bomb/) });
    // 20 MiB of a 240 KB zip is 85:1, within the bound; the second entry's declared size is not.
    expect(seen).toEqual(["0"]);
  });

  it("refuses an archive that inflates past maxTotalBytes, and one with too many entries", async () => {
    const tar = path.join(tmp, "ten.tar");
    await fs.writeFile(tar, buildTar(tiny(10)));
    await expect(collect(tar, { limits: { maxTotalBytes: 4096 } })).rejects.toMatchObject({ code: "payload_too_large", message: expect.stringMatching(/inflates past/) });
    await expect(collect(tar, { limits: { maxEntries: 5 } })).rejects.toMatchObject({ code: "payload_too_large", message: expect.stringMatching(/more than 5 entries/) });
    const zip = path.join(tmp, "ten.zip");
    await fs.writeFile(zip, buildStoredZip(tiny(10).map(([name, data]) => ({ name, data }))));
    await expect(collect(zip, { limits: { maxEntries: 5 } })).rejects.toMatchObject({ code: "payload_too_large" });
    await expect(collect(zip, { limits: { maxTotalBytes: 50 } })).rejects.toMatchObject({ code: "payload_too_large" });
    // Within the bounds both read in full.
    expect((await collect(tar, { limits: { maxEntries: 10 } })).entries).toHaveLength(10);
    expect((await collect(zip, { limits: { maxEntries: 10 } })).entries).toHaveLength(10);
  });

  it("reads a real .tar.gz, and refuses one compressed twice (tar would inflate the inner layer unbounded)", async () => {
    const once = path.join(tmp, "ok.tar.gz");
    await fs.writeFile(once, zlib.gzipSync(buildTar(tiny(4))));
    expect((await collect(once)).entries.map((e) => e.id)).toEqual(["0", "1", "2", "3"]);
    const twice = path.join(tmp, "twice.tar.gz");
    await fs.writeFile(twice, zlib.gzipSync(zlib.gzipSync(buildTar(tiny(4)))));
    await expect(collect(twice)).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/compressed twice/) });
  });
});

/** A plain ustar archive with the names exactly as given (node-tar's packer would sanitise them). */
function buildTar(files: Array<[string, string]>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of files) {
    const data = Buffer.from(content);
    const header = Buffer.alloc(512);
    new Header({ path: name, mode: 0o644, size: data.length, type: "File", mtime: new Date(0), uid: 0, gid: 0 }).encode(header, 0);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A minimal zip with stored (uncompressed) entries and names exactly as given. */
function buildStoredZip(files: Array<{ name: string; data: string; symlink?: boolean }>): Buffer {
  return buildZip(
    files.map((file) => {
      const data = Buffer.from(file.data);
      return { name: file.name, data, size: data.length, crc: zlib.crc32(data), deflated: false, mode: file.symlink ? 0o120777 : 0o100644 };
    }),
  );
}

function hasZipCli(): boolean {
  try {
    execFileSync("zip", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
