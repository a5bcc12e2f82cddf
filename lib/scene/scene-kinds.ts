/**
 * What a shopper's photo of a product is taken on. Every pool covers every kind,
 * and the in-the-scene protocol reports each kind on its own.
 */
export const sceneKinds = ["wood", "wall", "pavement", "grass", "fabric", "tiles", "room"] as const;
export type SceneKind = (typeof sceneKinds)[number];

export const sceneKindDescriptions: Readonly<Record<SceneKind, string>> = {
  wood: "table top, wooden floor or boards",
  wall: "plaster, painted wall, brick or stone",
  pavement: "concrete, asphalt, paving or pebbles",
  grass: "lawn, foliage, fallen leaves",
  fabric: "bed sheet, cloth or canvas with folds",
  tiles: "floor or wall tiles with grout",
  room: "a room: wall, floor and clutter",
};

/**
 * Two disjoint pools: `dev` may be used to train and to make choices on validation;
 * `eval` is only ever used to measure (never to train or tune).
 */
export const scenePools = ["dev", "eval"] as const;
export type ScenePool = (typeof scenePools)[number];
