#!/usr/bin/env bash
# Whole-pipeline benchmark (issue #7): the bare engine's ceiling, the pipeline end to end and its ratio, latencies,
# ingest alone, 1 vs 2 transformer processes. See bench/README.md.
#
#   bench/pipeline-bench.sh [--smoke] [--external] [--build] [--jfr] [CORPUS_DIR]
#
#   --smoke     3 small test images, ~10 s of measuring; exits non-zero unless every phase processed its images
#               (CI: checks that it runs, not its speed)
#   --external  the machine's RabbitMQ (IMGPIPE_BENCH_AMQP_URI, default amqp://guest:guest@127.0.0.1:5672/%2f) and
#               PostgreSQL (a fresh database created from IMGPIPE_BENCH_JDBC_URL, default
#               jdbc:postgresql://127.0.0.1:5432/test, user IMGPIPE_BENCH_DB_USER=postgres) instead of embedded ones
#   --build     rebuild the jars even if they exist
#   --jfr       record a JFR profile of the benchmark JVM (bench/target/pipeline-bench-*.jfr)
#   CORPUS_DIR  default ../shared/corpus relative to the repository root (its *.jpg files)
# Extra JVM options: BENCH_JAVA_OPTS. Report: bench/target/pipeline-bench-<infrastructure>.md; service logs:
# bench/target/pipeline-bench.log and bench/target/transformer-N.log.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

build=false
jfr=false
smoke=false
args=()
for a in "$@"; do
  case "$a" in
    --build) build=true ;;
    --jfr) jfr=true ;;
    --smoke) smoke=true; args+=("$a") ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) args+=("$a") ;;
  esac
done

jar_of() { ls $1 2>/dev/null | head -1 || true; }  # none yet (a fresh clone): empty, not an exit under pipefail
bench_jar=$(jar_of 'bench/target/imgpipe-bench-*.jar')
launcher_jar=launcher/target/imgpipe.jar
transformer_jar=$(jar_of 'transformer/target/imgpipe-transformer-*-all.jar')
support_jar=$(jar_of 'test-support/target/imgpipe-test-support-*.jar')
if $build || [ -z "$bench_jar" ] || [ ! -f "$launcher_jar" ] || [ -z "$transformer_jar" ] || [ -z "$support_jar" ]; then
  # package, not install: the reactor resolves the modules, nothing goes into the shared ~/.m2
  echo "[bench] building: ./mvnw -B -q -o package -DskipTests -pl bench -am" >&2
  ./mvnw -B -q -o package -DskipTests -pl bench -am \
    || ./mvnw -B -q package -DskipTests -pl bench -am
  bench_jar=$(jar_of 'bench/target/imgpipe-bench-*.jar')
  transformer_jar=$(jar_of 'transformer/target/imgpipe-transformer-*-all.jar')
  support_jar=$(jar_of 'test-support/target/imgpipe-test-support-*.jar')
fi

# The machine may be shared: show what else runs, so the figures can be read against it.
echo "[bench] $(uptime)"
others=$(pgrep -fa 'EngineBench|vipsthumbnail|surefire|failsafe' | cut -c1-160 || true)
[ -z "$others" ] || printf '[bench] also running (figures will be lower than on an idle machine):\n%s\n' "$others"

# Run from copies: other builds in this checkout may rewrite the jars while the benchmark runs. A copy taken while
# one was being written is caught by the zip check and taken again.
snapshot() { # source destination
  local attempt
  for attempt in 1 2 3 4 5 6; do
    if cp "$1" "$2.tmp" && { ! command -v unzip >/dev/null || unzip -tqq "$2.tmp" >/dev/null 2>&1; }; then
      mv "$2.tmp" "$2"
      return 0
    fi
    echo "[bench] $1 is being rewritten (another build?); copying again in 5 s" >&2
    sleep 5
  done
  echo "[bench] no consistent copy of $1 after 6 attempts" >&2
  return 1
}
mkdir -p bench/target/lib
snapshot "$bench_jar" bench/target/lib/bench.jar
snapshot "$launcher_jar" bench/target/lib/launcher.jar
snapshot "$transformer_jar" bench/target/lib/transformer-all.jar
snapshot "$support_jar" bench/target/lib/test-support.jar   # the child-process harness of the scaling phase
kind=embedded
for a in "${args[@]}"; do [ "$a" = --external ] && kind=external; done
$smoke && kind="$kind-smoke"
# On 2 cores the common pool's parallelism is 1, and then CompletableFuture runs every default-executor async step
# (the JDK HttpClient takes some) on a new thread: thousands of threads per run in the load generator. Give it a pool.
java_opts=("-Djava.util.concurrent.ForkJoinPool.common.parallelism=$(nproc)" -Dlogback.configurationFile=logback-bench.xml "-DIMGPIPE_BENCH_LOG=$repo/bench/target/pipeline-bench.log"
  "-Dimgpipe.bench.command=bench/pipeline-bench.sh${*:+ $*}")
$jfr && java_opts+=("-XX:StartFlightRecording=filename=$repo/bench/target/pipeline-bench-$kind.jfr,settings=profile")
# shellcheck disable=SC2206
java_opts+=(${BENCH_JAVA_OPTS:-})

# Every phase is bounded by count and time; the outer timeout only catches a hang (full run < 10 min, smoke < 1).
limit=900
$smoke && limit=180
exec timeout --kill-after=30 "$limit" java "${java_opts[@]}" -cp bench/target/lib/bench.jar:bench/target/lib/launcher.jar:bench/target/lib/test-support.jar \
  io.imgpipe.bench.PipelineBench --repo "$repo" --out "$repo/bench/target" --transformer-jar "$repo/bench/target/lib/transformer-all.jar" \
  ${args[@]+"${args[@]}"}
