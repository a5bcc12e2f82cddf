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
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < entries; i++) {
    const name = Buffer.from(`bomb/${i}.jpg`);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(entryBytes, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(entryBytes, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries, 8);
  end.writeUInt16LE(entries, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  await fs.writeFile(file, Buffer.concat([...locals, directory, end]));
  return (await fs.stat(file)).size;
}
