/**
 * The colour-family grouping reported beside strict `baseColour` equality. The data
 * set's 46 colour names split hairs a shopper would not (Navy Blue vs Blue, Off White
 * vs Cream) and the catalog's labellers did not apply consistently; a family is what
 * "same colour" means to a person glancing at a result. Strict equality stays the
 * headline. Names not listed here are their own family; empty and "NA" have none.
 */
export const colourFamilies: Readonly<Record<string, readonly string[]>> = {
  black: ["Black", "Charcoal"],
  white: ["White", "Off White", "Cream"],
  grey: ["Grey", "Grey Melange", "Steel", "Silver", "Metallic"],
  blue: ["Blue", "Navy Blue", "Turquoise Blue", "Teal"],
  brown: ["Brown", "Coffee Brown", "Mushroom Brown", "Tan", "Taupe", "Bronze", "Copper", "Rust"],
  beige: ["Beige", "Khaki", "Skin", "Nude", "Peach"],
  red: ["Red", "Maroon", "Burgundy"],
  pink: ["Pink", "Rose", "Magenta"],
  purple: ["Purple", "Lavender", "Mauve"],
  green: ["Green", "Olive", "Sea Green", "Lime Green", "Fluorescent Green"],
  yellow: ["Yellow", "Mustard", "Gold"],
  orange: ["Orange"],
  multi: ["Multi"],
};

const familyOf = new Map<string, string>(
  Object.entries(colourFamilies).flatMap(([family, names]) => names.map((name) => [name.toLowerCase(), family] as const)),
);

/** Whether a `baseColour` value names a colour at all (empty and "NA" do not). */
export function hasColour(baseColour: string): boolean {
  const name = baseColour.trim().toLowerCase();
  return name !== "" && name !== "na";
}

/** The family of a `baseColour` value (case-insensitive); its own name when unlisted; null when it names no colour. */
export function toColourFamily(baseColour: string): string | null {
  if (!hasColour(baseColour)) return null;
  const name = baseColour.trim().toLowerCase();
  return familyOf.get(name) ?? name;
}
