#!/usr/bin/env bash
# AVIF encoding: the engine (libheif + libaom, speed 8) against avifenc (libavif + libaom) on the same photos,
# speed and size at equal SSIM (AvifBench). Needs libheif1 and avifenc: apt-get install -y libheif1 libavif-bin
#   bench/avif-bench.sh [CORPUS_DIR]      (default: ../shared/corpus next to the repository)
# Tunables as environment variables: IMAGES (photos used, 8), ROUNDS (timed passes per point, 2).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="$(cd "${1:-$root/../shared/corpus}" && pwd)"

cd "$root"
echo "compiling the engine and the benchmarks ..." >&2
./mvnw -q -B -pl bench -am compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime >&2

avifenc="$(command -v avifenc || true)"
if [[ -z "$avifenc" ]]; then
    echo "avifenc not found: apt-get install -y libavif-bin" >&2
    exit 1
fi

classpath="$root/bench/target/classes:$(cat "$root/bench/target/bench-classpath.txt")"
exec java -Xmx2g -Dbench.avifenc="$avifenc" -Dbench.images="${IMAGES:-8}" -Dbench.rounds="${ROUNDS:-2}" \
    -cp "$classpath" io.imgpipe.bench.AvifBench "$corpus"
