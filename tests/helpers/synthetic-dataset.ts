/**
 * A generated stand-in for the shared data set, for machines without it (a stock CI runner):
 * small product photos (a coloured garment, shoe, watch or bag shape on white, 60×80 JPEG)
 * and a styles.csv with the same columns and the same kinds of defects as the real one —
 * unquoted commas in a name, empty fields, a row without a photo, a greyscale photo, photos
 * not 60×80, byte-identical photos (one group a blank white photo). The defect rows keep the
 * ids the real data set has them under, so the tests that name them run on either.
 * Deterministic: the same seed writes the same bytes.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import sharp, { type Sharp } from "sharp";
import { create as createTar } from "tar";
import { createRng } from "../../lib/random";
import { defaultSubsetLabels, syntheticMarker } from "./dataset";

type Kind = { master: string; sub: string; genders: readonly string[]; usage: string; draw: (c: string, detail: string) => string };

// One silhouette per article type (a 60×80 canvas), so a backbone can tell the types apart.
const kinds: Record<string, Kind> = {
  Tshirts: {
    master: "Apparel", sub: "Topwear", genders: ["Men", "Women"], usage: "Casual",
    draw: (c, d) => `<path d="M18 12 L42 12 L56 24 L48 32 L44 28 L44 70 L16 70 L16 28 L12 32 L4 24 Z" fill="${c}"/><circle cx="30" cy="36" r="5" fill="${d}"/>`,
  },
  Shirts: {
    master: "Apparel", sub: "Topwear", genders: ["Men", "Women"], usage: "Formal",
    draw: (c, d) => `<path d="M18 10 L42 10 L54 22 L56 66 L48 66 L46 30 L46 72 L14 72 L14 30 L12 66 L4 66 L6 22 Z" fill="${c}"/><path d="M24 10 L30 20 L36 10" stroke="${d}" stroke-width="2" fill="none"/><line x1="30" y1="20" x2="30" y2="72" stroke="${d}" stroke-width="1"/>`,
  },
  Tops: {
    master: "Apparel", sub: "Topwear", genders: ["Women", "Girls"], usage: "Casual",
    draw: (c, d) => `<path d="M20 10 L24 10 L26 22 L34 22 L36 10 L40 10 L44 30 L46 70 L14 70 L16 30 Z" fill="${c}"/><path d="M16 52 Q30 58 44 52" stroke="${d}" stroke-width="2" fill="none"/>`,
  },
  Kurtas: {
    master: "Apparel", sub: "Topwear", genders: ["Women", "Men"], usage: "Ethnic",
    draw: (c, d) => `<path d="M20 6 L40 6 L54 18 L54 50 L46 50 L46 76 L14 76 L14 50 L6 50 L6 18 Z" fill="${c}"/><path d="M26 6 L30 16 L34 6" stroke="${d}" stroke-width="2" fill="none"/><line x1="14" y1="64" x2="46" y2="64" stroke="${d}" stroke-width="2"/>`,
  },
  "Casual Shoes": {
    master: "Footwear", sub: "Shoes", genders: ["Men", "Women", "Unisex"], usage: "Casual",
    draw: (c, d) => `<path d="M6 44 L22 40 L34 46 L54 52 L56 60 L6 60 Z" fill="${c}"/><rect x="6" y="58" width="50" height="4" fill="${d}"/><path d="M22 42 L28 46 M26 41 L32 45" stroke="${d}" stroke-width="1.5"/>`,
  },
  "Sports Shoes": {
    master: "Footwear", sub: "Shoes", genders: ["Men", "Women", "Unisex"], usage: "Sports",
    draw: (c, d) => `<path d="M4 42 L20 34 L34 42 L56 48 L58 58 L4 58 Z" fill="${c}"/><rect x="4" y="56" width="54" height="6" fill="#f0f0f0" stroke="${d}"/><path d="M16 50 Q34 40 50 52" stroke="${d}" stroke-width="3" fill="none"/>`,
  },
  Watches: {
    master: "Accessories", sub: "Watches", genders: ["Men", "Women", "Unisex"], usage: "Casual",
    draw: (c, d) => `<rect x="24" y="4" width="12" height="72" rx="3" fill="${c}"/><circle cx="30" cy="40" r="15" fill="${d}" stroke="${c}" stroke-width="4"/><line x1="30" y1="40" x2="30" y2="30" stroke="${c}" stroke-width="2"/><line x1="30" y1="40" x2="37" y2="43" stroke="${c}" stroke-width="2"/>`,
  },
  Handbags: {
    master: "Accessories", sub: "Bags", genders: ["Women"], usage: "Casual",
    draw: (c, d) => `<path d="M20 34 Q30 8 40 34" stroke="${c}" stroke-width="4" fill="none"/><path d="M10 34 L50 34 L56 70 L4 70 Z" fill="${c}"/><rect x="26" y="40" width="8" height="5" fill="${d}"/>`,
  },
  "Track Pants": {
    master: "Apparel", sub: "Bottomwear", genders: ["Men"], usage: "Sports",
    draw: (c, d) => `<path d="M16 6 L44 6 L48 76 L34 76 L30 26 L26 76 L12 76 Z" fill="${c}"/><line x1="14" y1="10" x2="12" y2="76" stroke="${d}" stroke-width="2"/>`,
  },
  Capris: {
    master: "Apparel", sub: "Bottomwear", genders: ["Women"], usage: "Casual",
    draw: (c, d) => `<path d="M16 10 L44 10 L46 60 L34 60 L30 28 L26 60 L14 60 Z" fill="${c}"/><line x1="16" y1="14" x2="44" y2="14" stroke="${d}" stroke-width="2"/>`,
  },
};

const colours: Record<string, string> = {
  Black: "#1a1a1a", White: "#f4f4f4", "Navy Blue": "#1f2a5a", Blue: "#2f62c8", Red: "#c8202c", Green: "#2e8b45",
  Grey: "#808080", Brown: "#7a4a22", Pink: "#f08cb4", Purple: "#6e3290", Yellow: "#e8c428", Beige: "#d8c8a0",
};
const brands = ["Puma", "Nike", "Roadster", "Fabindia", "Titan", "Baggit", "Adidas", "Wrangler"];
const seasons = ["Summer", "Fall", "Winter", "Spring"];

/** The real data set's defect rows (ids as there): each test that names one finds it in either data set. */
const defects = {
  greyscale: { id: "10705", label: "Watches" },
  square: { id: "1799", label: "Track Pants" },
  narrow: { id: "25299", label: "Handbags" },
  recoveredName: { id: "3413", label: "Tshirts", name: "Myntra Men's Yes, its all about me White T-shirt" },
  emptyFields: { id: "53781", label: "Tshirts" },
  duplicatePair: { ids: ["9457", "9458"], label: "Shirts" },
  blankTriple: { ids: ["40145", "42001", "42002"], label: "Capris" },
  noImage: { id: "12347", label: "Shirts" },
};

export type SyntheticDatasetOptions = { perLabel?: number; seed?: number };

/** Writes `images.tar` (images/<id>.jpg), `styles.csv` and the marker into `dir`; returns the number of rows. */
export async function writeSyntheticDataset(dir: string, options: SyntheticDatasetOptions = {}): Promise<{ rows: number; images: number }> {
  // 120 a label: over the reference protocol's 100 (the int8 calibration draws from kept labels only).
  const perLabel = options.perLabel ?? 120;
  const rng = createRng(options.seed ?? 17);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
  const imagesDir = path.join(dir, "images");
  await fs.mkdir(imagesDir, { recursive: true });
  const lines = ["id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName"];
  const row = (id: string, label: string, colour: string, fields: { gender?: string; season?: string; year?: string; name?: string } = {}) => {
    const kind = kinds[label]!;
    const gender = fields.gender ?? pick(kind.genders);
    const name = fields.name ?? `${pick(brands)} ${gender} ${colour} ${label}`;
    lines.push([id, gender, kind.master, kind.sub, label, colour, fields.season ?? pick(seasons), fields.year ?? String(2010 + Math.floor(rng() * 8)), kind.usage, name].join(","));
  };
  const photo = (label: string, colour: string, size = { width: 60, height: 80 }) => {
    const scale = 0.85 + 0.15 * rng();
    const dx = (rng() - 0.5) * 8;
    const dy = (rng() - 0.5) * 6;
    const detail = colour === "Black" ? "#d0d0d0" : "#202020";
    const outline = colour === "White" ? `stroke="#b0b0b0" stroke-width="1"` : "";
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${size.width}" height="${size.height}" viewBox="0 0 60 80" preserveAspectRatio="none">` +
      `<rect width="60" height="80" fill="#ffffff"/><g ${outline} transform="translate(${30 + dx} ${40 + dy}) scale(${scale}) translate(-30 -40)">` +
      `${kinds[label]!.draw(colours[colour]!, detail)}</g></svg>`;
    return sharp(Buffer.from(svg)).jpeg({ quality: 90 });
  };

  // The regular rows, labels interleaved as in the real file, ids clear of the real defect ids.
  const regular = Object.keys(kinds).filter((label) => (defaultSubsetLabels as readonly string[]).includes(label));
  let next = 60001;
  let images = 0;
  for (let i = 0; i < perLabel; i++) {
    for (const label of regular) {
      const id = String(next++);
      const colour = pick(Object.keys(colours));
      row(id, label, colour);
      // A few greyscale photos of their own, as in the real data.
      const image = rng() < 0.03 ? photo(label, colour).toColourspace("b-w") : photo(label, colour);
      await image.toFile(path.join(imagesDir, `${id}.jpg`));
      images++;
    }
  }

  // The defect rows, last, so subsets pick them only when asked for them by id.
  const write = async (id: string, image: Sharp) => {
    await image.toFile(path.join(imagesDir, `${id}.jpg`));
    images++;
  };
  row(defects.square.id, defects.square.label, "Black", { gender: "Men" });
  await write(defects.square.id, photo(defects.square.label, "Black", { width: 60, height: 60 }));
  row(defects.greyscale.id, defects.greyscale.label, "Black", { gender: "Men" });
  await write(defects.greyscale.id, photo(defects.greyscale.label, "Black").toColourspace("b-w"));
  row(defects.recoveredName.id, defects.recoveredName.label, "White", { gender: "Men", name: defects.recoveredName.name });
  await write(defects.recoveredName.id, photo(defects.recoveredName.label, "White"));
  row(defects.narrow.id, defects.narrow.label, "Brown", { gender: "Women" });
  await write(defects.narrow.id, photo(defects.narrow.label, "Brown", { width: 53, height: 80 }));
  row(defects.emptyFields.id, defects.emptyFields.label, "Black", { season: "", year: "" });
  await write(defects.emptyFields.id, photo(defects.emptyFields.label, "Black"));
  const pairBytes = await photo(defects.duplicatePair.label, "Blue").toBuffer();
  for (const id of defects.duplicatePair.ids) {
    row(id, defects.duplicatePair.label, "Blue", { gender: "Men" });
    await fs.writeFile(path.join(imagesDir, `${id}.jpg`), pairBytes);
    images++;
  }
  row(defects.noImage.id, defects.noImage.label, "Grey");
  // The real set's blank white photo, shared by several products.
  const blank = await sharp({ create: { width: 60, height: 80, channels: 3, background: "#ffffff" } }).jpeg({ quality: 90 }).toBuffer();
  for (const id of defects.blankTriple.ids) {
    row(id, defects.blankTriple.label, "White", { gender: "Women" });
    await fs.writeFile(path.join(imagesDir, `${id}.jpg`), blank);
    images++;
  }

  await fs.writeFile(path.join(dir, "styles.csv"), `${lines.join("\n")}\n`);
  await createTar({ file: path.join(dir, "images.tar"), cwd: dir, portable: true }, ["images"]);
  await fs.rm(imagesDir, { recursive: true });
  await fs.writeFile(path.join(dir, syntheticMarker), `${JSON.stringify({ generator: "tests/helpers/synthetic-dataset.ts", perLabel, rows: lines.length - 1, images }, null, 2)}\n`);
  return { rows: lines.length - 1, images };
}
