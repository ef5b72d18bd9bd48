#!/usr/bin/env bash
# Variants benchmark (issue 13): three variants from one upload against three separate uploads, same files, same run;
# identity with the single-variant path; latency of a first derivation. See docs/benchmarks.md.
#
#   bench/variants-bench.sh [--external] [--rounds N] [CORPUS_DIR]
#
# Report: bench/target/variants-bench-<infrastructure>.md. Exits 1 when the ratio is below 2.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
args=()
corpus="$repo/../shared/corpus"
for a in "$@"; do
  case "$a" in
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    --*|[0-9]*) args+=("$a") ;;
    *) corpus="$a" ;;
  esac
done
./mvnw -B -q -o package -DskipTests -pl bench -am || ./mvnw -B -q package -DskipTests -pl bench -am
mkdir -p bench/target/lib
cp bench/target/imgpipe-bench-*.jar bench/target/lib/variants-bench.jar
cp launcher/target/imgpipe.jar bench/target/lib/variants-launcher.jar
cp test-support/target/imgpipe-test-support-*.jar bench/target/lib/variants-test-support.jar
echo "[variants-bench] $(uptime)"
exec timeout --kill-after=30 1800 java "-Djava.util.concurrent.ForkJoinPool.common.parallelism=$(nproc)" \
  -Dlogback.configurationFile=logback-bench.xml "-DIMGPIPE_BENCH_LOG=$repo/bench/target/variants-bench.log" \
  -cp bench/target/lib/variants-bench.jar:bench/target/lib/variants-launcher.jar:bench/target/lib/variants-test-support.jar \
  io.imgpipe.bench.VariantsBench ${args[@]+"${args[@]}"} "$corpus" "$repo/bench/target"
