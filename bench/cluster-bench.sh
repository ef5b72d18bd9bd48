#!/usr/bin/env bash
# RabbitMQ cluster benchmark (issue 17): the pipeline's throughput on 1, 2 and 3 RabbitMQ nodes (quorum work
# queues) and on 3 nodes with the transformer queue's leader stopped, as ratios against 1 node in the same run.
# The nodes come from the machine's rabbitmq-server package on free loopback ports (the same start-up as
# RabbitClusterIT: io.imgpipe.testsupport.RabbitCluster); the machine's own broker is not touched.
#
#   bench/cluster-bench.sh [--build] [--seconds N] [--concurrency N] [--rounds N] [CORPUS_DIR]
#
#   --seconds      length of each measure (default 20)
#   --concurrency  closed-loop client lanes (default 4)
#   --rounds       rounds over every setup, best of each counts (default 2: other load comes and goes)
#   CORPUS_DIR     default ../shared/corpus (its smallest JPEG; the launcher's test fixture when absent)
# Output: a Markdown table on stdout; service logs in bench/target/cluster-bench.log.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

build=false
args=()
for a in "$@"; do
  case "$a" in
    --build) build=true ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) args+=("$a") ;;
  esac
done
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || { echo "[cluster-bench] needs the rabbitmq-server package" >&2; exit 2; }

jar_of() { ls $1 2>/dev/null | head -1 || true; }  # none yet: empty, not an exit under pipefail
bench_jar=$(jar_of 'bench/target/imgpipe-bench-*.jar')
support_jar=$(jar_of 'test-support/target/imgpipe-test-support-*.jar')
if $build || [ -z "$bench_jar" ] || [ ! -f launcher/target/imgpipe.jar ] || [ -z "$support_jar" ]; then
  echo "[cluster-bench] building: ./mvnw -B -q package -DskipTests -pl bench -am" >&2
  ./mvnw -B -q -o package -DskipTests -pl bench -am || ./mvnw -B -q package -DskipTests -pl bench -am
  bench_jar=$(jar_of 'bench/target/imgpipe-bench-*.jar')
  support_jar=$(jar_of 'test-support/target/imgpipe-test-support-*.jar')
fi
mkdir -p bench/target/lib
cp "$bench_jar" bench/target/lib/cluster-bench.jar
cp launcher/target/imgpipe.jar bench/target/lib/cluster-launcher.jar
cp "$support_jar" bench/target/lib/cluster-test-support.jar
echo "[cluster-bench] $(uptime)"

# Every measure is bounded by time; the outer timeout only catches a hang (a full run takes about 6 minutes a round).
exec timeout --kill-after=30 2400 java "-Djava.util.concurrent.ForkJoinPool.common.parallelism=$(nproc)" \
  -Dlogback.configurationFile=logback-bench.xml "-DIMGPIPE_BENCH_LOG=$repo/bench/target/cluster-bench.log" \
  -cp bench/target/lib/cluster-bench.jar:bench/target/lib/cluster-launcher.jar:bench/target/lib/cluster-test-support.jar \
  io.imgpipe.bench.ClusterBench ${args[@]+"${args[@]}"}
