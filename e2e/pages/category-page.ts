import type { Locator, Page } from "playwright-core";
import { SearchFormObject } from "./home-page";

/** The category index, /categories. */
export class CategoriesPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<this> {
    await this.page.goto("/categories");
    await this.page.getByTestId("category-list").waitFor();
    return this;
  }

  async open(name: string): Promise<CategoryPage> {
    await Promise.all([
      this.page.waitForURL(/\/categories\/.+/),
      this.page.getByTestId("category-list").getByRole("link", { name: new RegExp(`^${escapeRegExp(name)} `) }).click(),
    ]);
    return new CategoryPage(this.page);
  }
}

/** One category's drill-down, /categories/{articleType}. */
export class CategoryPage {
  readonly search: SearchFormObject;

  constructor(readonly page: Page) {
    this.search = new SearchFormObject(page, page.getByTestId("search-form"));
  }

  heading(): Locator {
    return this.page.getByRole("heading", { level: 1 });
  }

  products(): Locator {
    return this.page.getByTestId("product-grid").locator(":scope > li");
  }

  async nextPage(): Promise<void> {
    await Promise.all([this.page.waitForURL(/page=\d+/), this.page.getByRole("link", { name: "Next →" }).click()]);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
