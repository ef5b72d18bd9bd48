#!/usr/bin/env bash
# Engine throughput and quality side by side with Thumbnailator and vipsthumbnail, and on small JPEGs with libvips
# called in-process (src/main/c/vipsbench.c, built into bench/target/ when libvips-dev is installed).
#   bench/engine-bench.sh [CORPUS_DIR]      (default: ../shared/corpus next to the repository)
# Tunables as environment variables: THREADS (all cores), ROUNDS (3), SECONDS_PER_RUN (4), ONLY (small: only the
# small-JPEG comparison).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="$(cd "${1:-$root/../shared/corpus}" && pwd)"

cd "$root"
echo "compiling the engine and the benchmarks ..." >&2
./mvnw -q -B -pl bench -am compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime >&2

vips="$(command -v vipsthumbnail || true)"
if [[ -z "$vips" ]]; then
    echo "vipsthumbnail not found; install it to compare: apt-get install -y libvips-tools" >&2
fi
vipsbench=""
if pkg-config --exists vips 2>/dev/null; then
    vipsbench="$root/bench/target/vipsbench"
    if [[ ! -x "$vipsbench" || "$root/bench/src/main/c/vipsbench.c" -nt "$vipsbench" ]]; then
        # shellcheck disable=SC2046
        gcc -O2 -o "$vipsbench" "$root/bench/src/main/c/vipsbench.c" $(pkg-config --cflags --libs vips) -lpthread
    fi
else
    echo "libvips-dev not found; install it to compare with libvips in-process: apt-get install -y libvips-dev" >&2
fi

classpath="$root/bench/target/classes:$(cat "$root/bench/target/bench-classpath.txt")"
exec java -Xmx3g \
    -Dbench.threads="${THREADS:-$(nproc)}" -Dbench.rounds="${ROUNDS:-3}" -Dbench.seconds="${SECONDS_PER_RUN:-4}" \
    -Dbench.vips="$vips" -Dbench.vipsbench="$vipsbench" -Dbench.only="${ONLY:-}" \
    -cp "$classpath" io.imgpipe.bench.EngineBench "$corpus"
