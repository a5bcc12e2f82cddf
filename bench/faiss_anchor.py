"""FAISS IndexFlatIP anchor for the benchmarks (bench-only; never a runtime dependency).

Reads row-major float32 vectors written by bench/lib/faiss.ts, times IndexFlatIP on
single queries and on one batch, and writes the top-k rows (int32, row-major) plus a
JSON summary. Timings are wall-clock medians over repeats, measured here so Python's
start-up and the file reads are not counted.

usage: faiss_anchor.py --base F --n N --queries F --nq NQ --dim D --k K
                       --repeats R --single S --threads T --out-ids F --out-json F
"""
import argparse
import json
import resource
import statistics
import sys
import time

import numpy as np
import faiss


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("--nq", type=int, required=True)
    p.add_argument("--dim", type=int, required=True)
    p.add_argument("--k", type=int, default=10)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--single", type=int, default=0, help="queries timed one at a time (first S)")
    p.add_argument("--threads", type=int, default=0, help="OpenMP threads; 0 = FAISS default")
    p.add_argument("--out-ids", required=True)
    p.add_argument("--out-json", required=True)
    a = p.parse_args()

    if a.threads > 0:
        faiss.omp_set_num_threads(a.threads)
    base = np.fromfile(a.base, dtype=np.float32)
    queries = np.fromfile(a.queries, dtype=np.float32)
    if base.size != a.n * a.dim or queries.size != a.nq * a.dim:
        print(f"size mismatch: base {base.size} queries {queries.size}", file=sys.stderr)
        return 2
    base = base.reshape(a.n, a.dim)
    queries = queries.reshape(a.nq, a.dim)

    t0 = time.perf_counter()
    index = faiss.IndexFlatIP(a.dim)
    index.add(base)
    build_s = time.perf_counter() - t0

    # Warm-up: page the matrix in and start the thread pool.
    index.search(queries[: min(4, a.nq)], a.k)

    batch_ms = []
    ids = None
    for _ in range(a.repeats):
        t = time.perf_counter()
        _, ids = index.search(queries, a.k)
        batch_ms.append((time.perf_counter() - t) * 1000)

    single_ms = []
    for _ in range(a.repeats):
        run = []
        for i in range(min(a.single, a.nq)):
            q = queries[i : i + 1]
            t = time.perf_counter()
            index.search(q, a.k)
            run.append((time.perf_counter() - t) * 1000)
        if run:
            single_ms.append(run)

    np.ascontiguousarray(ids, dtype=np.int32).tofile(a.out_ids)
    per_query_single = [statistics.median(col) for col in zip(*single_ms)] if single_ms else []
    summary = {
        "faissVersion": faiss.__version__,
        "threads": faiss.omp_get_max_threads(),
        "n": a.n,
        "dim": a.dim,
        "nq": a.nq,
        "k": a.k,
        "buildSeconds": build_s,
        "batchMs": batch_ms,
        "singleMs": per_query_single,
        "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    with open(a.out_json, "w") as f:
        json.dump(summary, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
