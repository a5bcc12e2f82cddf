/**
 * What the console changed, kept so each change can be undone: a relabel keeps the
 * field values before it, a dismissal its id, a delete the whole product and its
 * photo. The log lives in sessionStorage (this tab, until it closes); undo goes
 * through the same item API as the change, so it is in the change log like any edit.
 */
import { buildRecord, productFields } from "@/lib/catalog/types";
import { ConsoleApiError, type ConsoleApi, type ConsoleItem } from "./admin-api";

type ActionBase = { key: string; id: string; at: number };
export type RecordedAction =
  | (ActionBase & { kind: "relabel"; before: { articleType: string }; after: { articleType: string } })
  | (ActionBase & { kind: "dismiss" })
  | (ActionBase & { kind: "delete"; item: ConsoleItem; photo: { type: string; base64: string } });

type KeyValueStorage = Pick<Storage, "getItem" | "setItem">;

/** sessionStorage's key for the log. */
export const ACTION_LOG_KEY = "vps-admin-actions";
/** The most actions kept; older ones can no longer be undone from the console. */
export const ACTION_LOG_LIMIT = 50;

export type ActionLog = ReturnType<typeof createActionLog>;

/** The recent-actions log over a Storage, newest first, with change listeners. */
export function createActionLog(storage: KeyValueStorage, key = ACTION_LOG_KEY) {
  const listeners = new Set<() => void>();
  let cache: RecordedAction[] | undefined;
  const read = (): RecordedAction[] => {
    if (cache) return cache;
    try {
      const parsed: unknown = JSON.parse(storage.getItem(key) ?? "[]");
      cache = Array.isArray(parsed) ? (parsed as RecordedAction[]) : [];
    } catch {
      cache = [];
    }
    return cache;
  };
  const write = (actions: RecordedAction[]) => {
    cache = actions.slice(0, ACTION_LOG_LIMIT);
    storage.setItem(key, JSON.stringify(cache));
    for (const listener of listeners) listener();
  };
  return {
    list: read,
    add: (action: RecordedAction) => write([action, ...read()]),
    remove: (actionKey: string) => write(read().filter((action) => action.key !== actionKey)),
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type ConsoleActions = ReturnType<typeof createConsoleActions>;

/** The console's changes, each recorded in `log` once the server has made it, and their undo. */
export function createConsoleActions(api: ConsoleApi, log: ActionLog, now: () => number = Date.now) {
  let counter = 0;
  const newKey = () => `${now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    /** Sets a product's articleType, keeping the value it had (read from the server, not the page). */
    async relabel(id: string, articleType: string): Promise<RecordedAction> {
      const before = await api.getItem(id);
      await api.patchItem(id, { articleType });
      const action: RecordedAction = { key: newKey(), kind: "relabel", id, at: now(), before: { articleType: before.articleType }, after: { articleType } };
      log.add(action);
      return action;
    },
    /** Dismisses a suspected mislabel (the suspects API stops listing it). */
    async dismiss(id: string): Promise<RecordedAction> {
      await api.dismiss(id);
      const action: RecordedAction = { key: newKey(), kind: "dismiss", id, at: now() };
      log.add(action);
      return action;
    },
    /** Deletes a product, keeping its fields and photo first so that undo can add it back. */
    async remove(id: string): Promise<RecordedAction> {
      const item = await api.getItem(id);
      const photo = await api.photo(id);
      const kept = { type: photo.type || "image/jpeg", base64: toBase64(new Uint8Array(await photo.arrayBuffer())) };
      await api.deleteItem(id);
      const action: RecordedAction = { key: newKey(), kind: "delete", id, at: now(), item: pickFields(item), photo: kept };
      log.add(action);
      return action;
    },
    /** Undoes one recorded action through the item API; it leaves the log once undone. */
    async undo(actionKey: string): Promise<void> {
      const action = log.list().find((entry) => entry.key === actionKey);
      if (!action) throw new ConsoleApiError(404, "not_found", "That action is no longer in this tab's recent actions.");
      if (action.kind === "relabel") {
        const current = await api.getItem(action.id);
        if (current.articleType !== action.after.articleType) {
          throw new ConsoleApiError(409, "conflict", `${action.id} was changed since (its type is now ${current.articleType}); not undone.`);
        }
        await api.patchItem(action.id, action.before);
      } else if (action.kind === "dismiss") {
        await api.undismiss(action.id);
      } else {
        await api.addItem(toRestoreForm(action));
      }
      log.remove(actionKey);
    },
  };
}

/** The multipart body of POST /api/items that adds a deleted product back, photo included. */
export function toRestoreForm(action: Extract<RecordedAction, { kind: "delete" }>): FormData {
  const form = new FormData();
  form.set("id", action.item.id);
  for (const field of productFields) form.set(field, action.item[field]);
  const bytes = fromBase64(action.photo.base64);
  const ext = action.photo.type.split("/")[1]?.replace("jpeg", "jpg") ?? "jpg";
  form.set("image", new Blob([bytes], { type: action.photo.type }), `${action.item.id}.${ext}`);
  return form;
}

/** What one action did, in words, for the recent-actions list. */
export function describeAction(action: RecordedAction): string {
  if (action.kind === "relabel") return `Relabelled ${action.id}: ${action.before.articleType} → ${action.after.articleType}`;
  if (action.kind === "dismiss") return `Dismissed ${action.id} as a suspect`;
  return `Deleted ${action.id} (${action.item.productDisplayName})`;
}

function pickFields(item: ConsoleItem): ConsoleItem {
  return { id: item.id, ...buildRecord(productFields, (field) => item[field]) };
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
