"use client";

import { useEffect, useState } from "react";
import { useConsole } from "./console-context";

export type Loaded<T> = { state: "loading" } | { state: "error"; message: string; status?: number } | { state: "ready"; value: T };

/** Loads console data from the admin API, again after every change or undo. */
export function useConsoleData<T>(load: () => Promise<T>, deps: readonly unknown[] = []): Loaded<T> {
  const { revision } = useConsole();
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && setLoaded({ state: "ready", value }),
      (error: Error & { status?: number }) => live && setLoaded({ state: "error", message: error.message, status: error.status }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [revision, ...deps]);
  return loaded;
}
