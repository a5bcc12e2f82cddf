/** English count phrases: "1 product", "2 products", "0 categories"; thousands grouped ("40,359 products"). */
export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? singular : plural}`;
}
