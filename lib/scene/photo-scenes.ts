import { existsSync, promises as fs } from "node:fs";
import yauzl from "yauzl";
import { AppError } from "../errors";
import type { SceneKind, ScenePool } from "./scene-kinds";

/**
 * Real photographs that Debian packages ship (licences and install lines in
 * docs/scenes.md). Each file belongs to one pool only, assigned by name when the
 * list was written, before any measurement: within a kind, the files alternate
 * between the pools in alphabetical order. Nothing here is fetched; a file whose
 * package is not installed is simply not available.
 */
export type PhotoScene = {
  name: string;
  kind: SceneKind;
  pool: ScenePool;
  debianPackage: string;
  /** The file on disk (a .jar for textures shipped inside one). */
  file: string;
  /** The entry inside `file` when it is an archive. */
  entry?: string;
  /** `tile`: a seamless texture repeated at a random scale; `cover`: a photo cropped and scaled to fill the frame. */
  layout: "tile" | "cover";
};

const sweetHomeJar = "/usr/share/sweethome3d/sweethome3d.jar";
const sweetHomeDir = "com/eteks/sweethome3d/io/resources/textures";
const wallpapers = "/usr/share/wallpapers";
const mypaint = "/usr/share/mypaint/backgrounds/ramon";

function texture(name: string, kind: SceneKind, pool: ScenePool): PhotoScene {
  return { name: `sweethome3d:${name}`, kind, pool, debianPackage: "sweethome3d", file: sweetHomeJar, entry: `${sweetHomeDir}/${name}.jpg`, layout: "tile" };
}

function wallpaper(name: string, size: string, kind: SceneKind, pool: ScenePool): PhotoScene {
  return { name: `plasma:${name}`, kind, pool, debianPackage: "plasma-workspace-wallpapers", file: `${wallpapers}/${name}/contents/images/${size}.jpg`, layout: "cover" };
}

function paper(name: string, kind: SceneKind, pool: ScenePool): PhotoScene {
  return { name: `mypaint:${name}`, kind, pool, debianPackage: "mypaint-data-extras", file: `${mypaint}/${name}.png`, layout: "tile" };
}

/** Every photographed scene, both pools. Skies, water and illustrations were left out: nothing is put down on them. */
export const photoScenes: readonly PhotoScene[] = [
  texture("oldWoodenFloor", "wood", "dev"),
  texture("woodenFloor", "wood", "eval"),
  wallpaper("BytheWater", "1280x1024", "wood", "dev"),
  wallpaper("ColdRipple", "1280x1024", "wood", "eval"),
  texture("marbleWall", "wall", "dev"),
  texture("roughcast", "wall", "eval"),
  texture("smallBricks", "wall", "dev"),
  texture("smallRedBricks", "wall", "eval"),
  texture("smallWhiteBricks", "wall", "dev"),
  texture("stone2Wall", "wall", "eval"),
  texture("stone3Wall", "wall", "dev"),
  texture("stoneWall", "wall", "eval"),
  wallpaper("Grey", "1280x1024", "wall", "eval"),
  texture("pavingStone", "pavement", "dev"),
  texture("pebbles", "pavement", "eval"),
  texture("grass", "grass", "dev"),
  texture("boxTree", "grass", "eval"),
  wallpaper("OneStandsOut", "1280x1024", "grass", "dev"),
  wallpaper("FallenLeaf", "1280x1024", "grass", "eval"),
  wallpaper("Path", "1280x1024", "grass", "dev"),
  paper("HR_Canvas 01", "fabric", "dev"),
  paper("HR_Canvas 02", "fabric", "eval"),
  texture("beigeTile", "tiles", "dev"),
  texture("blackAndWhiteTiles", "tiles", "eval"),
  texture("blueTiles", "tiles", "dev"),
  texture("darkBlueTile", "tiles", "eval"),
  texture("greyTile", "tiles", "dev"),
  texture("lightBlueTile", "tiles", "eval"),
  texture("redTiles", "tiles", "dev"),
  texture("stoneTiles", "tiles", "eval"),
  texture("wallBeigeTile", "tiles", "dev"),
  wallpaper("ColorfulCups", "2560x1600", "room", "dev"),
  wallpaper("EveningGlow", "1280x1024", "room", "eval"),
];

/** The photographed scenes of a pool whose package is installed. */
export function listAvailablePhotoScenes(pool: ScenePool, scenes: readonly PhotoScene[] = photoScenes): PhotoScene[] {
  return scenes.filter((scene) => scene.pool === pool && existsSync(scene.file));
}

/** Reads the bytes of photographed scenes (archive entries in one pass per archive). */
export async function readPhotoScenes(scenes: readonly PhotoScene[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const byArchive = new Map<string, PhotoScene[]>();
  for (const scene of scenes) {
    if (scene.entry === undefined) out.set(scene.name, await fs.readFile(scene.file));
    else byArchive.set(scene.file, [...(byArchive.get(scene.file) ?? []), scene]);
  }
  for (const [file, wanted] of byArchive) {
    const entries = await readZipEntries(file, new Set(wanted.map((s) => s.entry!)));
    for (const scene of wanted) {
      const bytes = entries.get(scene.entry!);
      if (!bytes) throw new AppError("not_found", `${scene.entry} is not in ${file} (package ${scene.debianPackage})`);
      out.set(scene.name, bytes);
    }
  }
  return out;
}

async function readZipEntries(file: string, wanted: ReadonlySet<string>): Promise<Map<string, Buffer>> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
  const out = new Map<string, Buffer>();
  try {
    for await (const entry of zip.eachEntry()) {
      if (!wanted.has(entry.fileName)) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      out.set(entry.fileName, Buffer.concat(chunks));
      if (out.size === wanted.size) break;
    }
  } finally {
    zip.close();
  }
  return out;
}
