"use client";

import { useEffect, useRef, useState, type DragEvent } from "react";

type Picked = { url: string; name: string; size: number };

/**
 * The photo field: a file picker that also takes a dropped file or an image
 * pasted anywhere on the page, and previews it. The file always lives in the
 * real <input type="file">, so the form submits it with or without JavaScript.
 * On phones a second button opens the camera (capture="environment").
 */
export function ImagePicker({ name, inputId, onPicked }: { name: string; inputId: string; /** Called once a photo is in the input (the form searches at once). */ onPicked?: () => void }) {
  const inputRef = useRef<HTMLInputElement>(null);
  // The paste listener is attached once; it must call the latest callback.
  const onPickedRef = useRef(onPicked);
  useEffect(() => {
    onPickedRef.current = onPicked;
  });
  const [picked, setPicked] = useState<Picked | null>(null);
  const [dragging, setDragging] = useState(false);
  // Drop and paste work only once React has attached its handlers: say so (tests wait for it).
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);

  useEffect(() => () => revoke(picked), [picked]);

  useEffect(() => {
    const onPaste = (event: ClipboardEvent) => {
      const file = [...(event.clipboardData?.files ?? [])].find((f) => f.type.startsWith("image/"));
      if (!file) return;
      event.preventDefault();
      putInInput(file);
    };
    document.addEventListener("paste", onPaste);
    return () => document.removeEventListener("paste", onPaste);
  }, []);

  function show(file: File | undefined) {
    setPicked(file && file.size > 0 ? { url: URL.createObjectURL(file), name: file.name || "pasted image", size: file.size } : null);
    if (file && file.size > 0) onPickedRef.current?.();
  }

  function putInInput(file: File) {
    const input = inputRef.current;
    if (!input) return;
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    show(file);
  }

  function onDrop(event: DragEvent<HTMLLabelElement>) {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) putInInput(file);
  }

  return (
    <div className="grid gap-4 sm:grid-cols-[1fr_auto]">
      <div className="flex flex-col gap-2">
        <label
          htmlFor={inputId}
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          data-testid="dropzone"
          data-ready={ready ? "true" : undefined}
          className={`flex min-h-32 cursor-pointer flex-col items-center justify-center gap-2 rounded-lg border-2 border-dashed p-6 text-center transition has-[:focus-visible]:outline has-[:focus-visible]:outline-3 has-[:focus-visible]:outline-blue-600 ${
            dragging ? "border-blue-600 bg-blue-50" : "border-neutral-300 bg-white hover:border-neutral-400"
          }`}
        >
          <span className="font-medium">Drop a photo here, paste one, or choose a file</span>
          <span className="text-sm text-neutral-600">JPEG, PNG, WebP or GIF</span>
          <input
            ref={inputRef}
            id={inputId}
            name={name}
            type="file"
            accept="image/*"
            onChange={(event) => show(event.currentTarget.files?.[0])}
            className="sr-only"
          />
        </label>
        <label
          className="flex cursor-pointer items-center justify-center gap-2 rounded-md border border-neutral-300 bg-white px-4 py-2 font-medium has-[:focus-visible]:outline has-[:focus-visible]:outline-3 has-[:focus-visible]:outline-blue-600 sm:hidden"
          data-testid="camera"
        >
          Take a photo
          <input
            type="file"
            accept="image/*"
            capture="environment"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              if (file) putInInput(file);
            }}
            className="sr-only"
          />
        </label>
      </div>
      <div className="flex w-32 flex-col items-center justify-center gap-1 text-center" aria-live="polite">
        {picked ? (
          <>
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src={picked.url} alt="Preview of the photo to search with" className="max-h-32 max-w-32 rounded border border-neutral-200 object-contain" />
            <span className="w-full truncate text-xs text-neutral-600">{picked.name}</span>
          </>
        ) : (
          <span className="text-xs text-neutral-500">No photo chosen</span>
        )}
      </div>
    </div>
  );
}

function revoke(picked: Picked | null) {
  if (picked) URL.revokeObjectURL(picked.url);
}
