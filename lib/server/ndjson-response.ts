import { toAppError } from "../errors";

export type NdjsonSource<E> = {
  events: AsyncGenerator<E>;
  /** Lines gathered on the side (say, skipped archive entries): written, in order, before the next event. */
  pending?: E[];
  /** Runs once when the stream ends, however it ends: done, failed, cancelled by the client, or refused up front. */
  finish?: () => Promise<void>;
};

/** The line that ends a stream whose source failed midway (the status line has long been sent). */
export type NdjsonFailure = { type: "failed"; code: string; message: string };

/**
 * Answers with `events` as NDJSON, one JSON line each, pulled as the client reads.
 * The first event is awaited before answering, so an error thrown before it (a bad
 * CSV header) is an ordinary error response; a later one ends the stream with an
 * NdjsonFailure line. A client that hangs up stops the generator.
 */
export async function respondNdjson<E>(source: NdjsonSource<E>): Promise<Response> {
  const { events, pending = [] } = source;
  let finished: Promise<void> | undefined;
  const finish = () => (finished ??= source.finish?.() ?? Promise.resolve());
  const first = await events.next().catch(async (error: unknown) => {
    await finish();
    throw error;
  });
  const encoder = new TextEncoder();
  const line = (value: E | NdjsonFailure) => encoder.encode(`${JSON.stringify(value)}\n`);
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (!first.done) controller.enqueue(line(first.value));
    },
    async pull(controller) {
      try {
        const next = await events.next();
        while (pending.length > 0) controller.enqueue(line(pending.shift()!));
        if (next.done) {
          await finish();
          controller.close();
        } else controller.enqueue(line(next.value));
      } catch (error) {
        await finish();
        const appError = toAppError(error);
        controller.enqueue(line({ type: "failed", code: appError.code, message: appError.message }));
        controller.close();
      }
    },
    async cancel() {
      await events.return(undefined).finally(finish);
    },
  });
  return new Response(body, { headers: { "Content-Type": "application/x-ndjson", "Cache-Control": "no-store" } });
}
