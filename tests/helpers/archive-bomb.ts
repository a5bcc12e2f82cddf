/**
 * Decompression bombs built on the fly: archives of `.jpg` entries full of zeros, a
 * few MB on disk that inflate about 1000 times. Written chunk by chunk, so building a
 * 1.2 GB bomb never holds more than a MB in the test's memory.
 */
import { createWriteStream, promises as fs } from "node:fs";
import { once } from "node:events";
import { Header } from "tar";
import zlib from "node:zlib";

export type BombShape = { entries: number; entryBytes: number };

/** A .tar.gz of `entries` zero-filled `bomb/<i>.jpg` entries of `entryBytes` each; returns its size on disk. */
export async function writeTarGzBomb(file: string, { entries, entryBytes }: BombShape): Promise<number> {
  const gzip = zlib.createGzip({ level: 9 });
  const out = createWriteStream(file);
  gzip.pipe(out);
  const zeros = Buffer.alloc(1024 * 1024);
  const write = async (chunk: Buffer) => {
    if (!gzip.write(chunk)) await once(gzip, "drain");
  };
  for (let i = 0; i < entries; i++) {
    const header = Buffer.alloc(512);
    new Header({ path: `bomb/${i}.jpg`, mode: 0o644, size: entryBytes, type: "File", mtime: new Date(0), uid: 0, gid: 0 }).encode(header, 0);
    await write(header);
    for (let left = entryBytes; left > 0; left -= zeros.length) await write(left >= zeros.length ? zeros : zeros.subarray(0, left));
    const pad = (512 - (entryBytes % 512)) % 512;
    if (pad > 0) await write(Buffer.alloc(pad));
  }
  await write(Buffer.alloc(1024));
  gzip.end();
  await once(out, "close");
  return (await fs.stat(file)).size;
}

/** A .zip of `entries` deflated zero-filled `bomb/<i>.jpg` entries (each compressed once, its bytes repeated). */
export async function writeZipBomb(file: string, { entries, entryBytes }: BombShape): Promise<number> {
  const data = zlib.deflateRawSync(Buffer.alloc(entryBytes), { level: 9 });
  const crc = zlib.crc32(Buffer.alloc(entryBytes));
  const zipEntries = Array.from({ length: entries }, (_, i): ZipEntry => ({ name: `bomb/${i}.jpg`, data, size: entryBytes, crc, deflated: true, mode: 0o100644 }));
  await fs.writeFile(file, buildZip(zipEntries));
  return (await fs.stat(file)).size;
}

/** One zip entry: `data` as stored (raw deflate when `deflated`), `size` and `crc` of the uncompressed bytes, `mode` the Unix file mode. */
export type ZipEntry = { name: string; data: Buffer; size: number; crc: number; deflated: boolean; mode: number };

/** A minimal zip of these entries, names exactly as given (no validation: tests feed it hostile names). */
export function buildZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeEntryFields(local, 4, entry, name.length);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode bits count
    writeEntryFields(central, 6, entry, name.length);
    central.writeUInt32LE((entry.mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, entry.data);
    centrals.push(central, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The fields a local header and the central directory share, in the same order, from "version needed" on. */
function writeEntryFields(header: Buffer, at: number, entry: ZipEntry, nameLength: number): void {
  header.writeUInt16LE(20, at);
  header.writeUInt16LE(entry.deflated ? 8 : 0, at + 4);
  header.writeUInt32LE(entry.crc, at + 10);
  header.writeUInt32LE(entry.data.length, at + 14);
  header.writeUInt32LE(entry.size, at + 18);
  header.writeUInt16LE(nameLength, at + 22);
}
