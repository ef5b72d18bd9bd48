#!/usr/bin/env bash
# Inline bytes vs claim check (issue 17): pipeline throughput and broker bytes per image, same images, same run.
#
#   bench/claim-check-bench.sh [CORPUS_DIR]     (default ../shared/corpus: its *.jpg files)
#
# Settings: IMGPIPE_BENCH_WINDOW_SECONDS (30), IMGPIPE_BENCH_CONCURRENCY (2 x cores), IMGPIPE_BENCH_ROUNDS (2).
# Report: bench/target/claim-check-bench.md; service logs: bench/target/claim-check-bench.log.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
# package, not install: the reactor resolves the modules, nothing goes into the shared ~/.m2
./mvnw -B -q package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt -pl bench -am
cp="bench/target/classes:$(cat bench/target/classpath.txt)"
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of flags
exec timeout --kill-after=30 900 java -Djava.util.concurrent.ForkJoinPool.common.parallelism="$(nproc)" \
  -Dlogback.configurationFile=logback-bench.xml "-DIMGPIPE_BENCH_LOG=$repo/bench/target/claim-check-bench.log" \
  ${BENCH_JAVA_OPTS:-} -cp "$cp" io.imgpipe.bench.ClaimCheckBench "$@"
