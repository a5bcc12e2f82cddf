import { TEXT_MAX_CHARS } from "@/lib/text/tokenise";

/** The words box of a search form, named as in the share URL (`text`); alone or with a photo. */
export function TextField({ idPrefix, defaultValue }: { idPrefix: string; defaultValue?: string }) {
  return (
    <label htmlFor={`${idPrefix}-text`} className="block text-sm font-medium text-neutral-700">
      Words <span className="font-normal text-neutral-500">(name, brand, colour…; with a photo, only products with every word)</span>
      <input
        id={`${idPrefix}-text`}
        name="text"
        type="search"
        defaultValue={defaultValue}
        maxLength={TEXT_MAX_CHARS}
        placeholder="e.g. puma shoes"
        autoComplete="off"
        className="mt-1 block w-full rounded-md border border-neutral-300 bg-white px-2 py-1.5 text-sm focus:border-blue-600 focus:outline-none focus:ring-2 focus:ring-blue-600"
      />
    </label>
  );
}
