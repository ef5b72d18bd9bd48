#!/usr/bin/env bash
# Engine throughput and quality side by side with Thumbnailator and vipsthumbnail.
#   bench/engine-bench.sh [CORPUS_DIR]      (default: ../shared/corpus next to the repository)
# Tunables as environment variables: THREADS (all cores), ROUNDS (3), SECONDS_PER_RUN (4).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="$(cd "${1:-$root/../shared/corpus}" && pwd)"

cd "$root"
echo "compiling the transformer and its test classes ..." >&2
mvn -q -B -pl transformer -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2

vips="$(command -v vipsthumbnail || true)"
if [[ -z "$vips" ]]; then
    echo "vipsthumbnail not found; install it to compare: apt-get install -y libvips-tools" >&2
fi

classpath="$root/transformer/target/test-classes:$root/transformer/target/classes:$root/contract/target/classes"
classpath="$classpath:$(cat "$root/transformer/target/bench-classpath.txt")"
exec java -Xmx3g \
    -Dbench.threads="${THREADS:-$(nproc)}" -Dbench.rounds="${ROUNDS:-3}" -Dbench.seconds="${SECONDS_PER_RUN:-4}" \
    -Dbench.vips="$vips" \
    -cp "$classpath" io.imgpipe.transformer.bench.EngineBench "$corpus"
