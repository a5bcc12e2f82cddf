"use client";

import { createContext, useContext, useMemo, useState, useSyncExternalStore, type ReactNode } from "react";
import { createConsoleApi, type ConsoleApi } from "./admin-api";
import { createActionLog, createConsoleActions, type ConsoleActions, type RecordedAction } from "./console-actions";

type ConsoleValue = {
  api: ConsoleApi;
  actions: ConsoleActions;
  recent: readonly RecordedAction[];
  /** Goes up after every change or undo, so lists reload what the server now has. */
  revision: number;
  changed: () => void;
};

const ConsoleContext = createContext<ConsoleValue | null>(null);
const noActions: RecordedAction[] = [];
const memoryStorage = { getItem: () => null, setItem: () => {} };

/** The console's API client (with the session's CSRF token), its recent actions and undo. */
export function ConsoleProvider({ csrfToken, children }: { csrfToken: string; children: ReactNode }) {
  const [revision, setRevision] = useState(0);
  const { api, log, actions } = useMemo(() => {
    const api = createConsoleApi(csrfToken);
    const log = createActionLog(typeof window === "undefined" ? memoryStorage : window.sessionStorage);
    return { api, log, actions: createConsoleActions(api, log) };
  }, [csrfToken]);
  const recent = useSyncExternalStore(log.subscribe, log.list, () => noActions);
  const value = useMemo(() => ({ api, actions, recent, revision, changed: () => setRevision((r) => r + 1) }), [api, actions, recent, revision]);
  return <ConsoleContext.Provider value={value}>{children}</ConsoleContext.Provider>;
}

/** The console context; only inside ConsoleProvider. */
export function useConsole(): ConsoleValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error("useConsole outside ConsoleProvider");
  return value;
}

/** Runs a console action with a busy flag and its error message, then tells the lists to reload. */
export function useConsoleTask() {
  const { changed } = useConsole();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (label: string, work: () => Promise<unknown>) => {
    setBusy(label);
    setError(null);
    try {
      await work();
      changed();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(null);
    }
  };
  return { busy, error, run };
}
