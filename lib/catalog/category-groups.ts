import type { CatalogItem } from "./types";

export type CategoryEntry = { value: string; count: number; sample: CatalogItem };
export type CategoryGroup = { masterCategory: string; count: number; categories: CategoryEntry[] };

/**
 * articleTypes grouped under their masterCategory (the one most of their items have; a type
 * filed under two departments appears once), groups and types most frequent first. An item
 * without a masterCategory is grouped under "Other".
 */
export function groupCategoriesByMaster(items: readonly CatalogItem[]): CategoryGroup[] {
  const types = new Map<string, { count: number; sample: CatalogItem; masters: Map<string, number> }>();
  for (const item of items) {
    const entry = types.get(item.articleType) ?? { count: 0, sample: item, masters: new Map<string, number>() };
    entry.count++;
    const master = item.masterCategory || "Other";
    entry.masters.set(master, (entry.masters.get(master) ?? 0) + 1);
    types.set(item.articleType, entry);
  }
  const groups = new Map<string, CategoryGroup>();
  for (const [value, { count, sample, masters }] of types) {
    const master = [...masters].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    const group = groups.get(master) ?? { masterCategory: master, count: 0, categories: [] };
    group.count += count;
    group.categories.push({ value, count, sample });
    groups.set(master, group);
  }
  const byCount = <T extends { count: number }>(key: (x: T) => string) => (a: T, b: T) => b.count - a.count || key(a).localeCompare(key(b));
  for (const group of groups.values()) group.categories.sort(byCount((c) => c.value));
  return [...groups.values()].sort(byCount((g) => g.masterCategory));
}
