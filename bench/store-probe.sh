#!/usr/bin/env bash
# What the one-JVM default's broker store costs (issue 10): the launcher as users run it, N uploads of ~1 MB corpus
# photos by 4 curl processes at a time (curl sends Expect: 100-continue over 1 MiB), Prefer: wait, fit 800 q85.
# Prints images/s and the CPU per image of the JVM and of its embedded PostgreSQL (postmaster + backends), and the
# JVM's peak resident memory. CPU per image is the figure to compare: it holds on a busy machine, images/s does not.
#
#   bench/store-probe.sh LABEL DATA_DIR|none [JAVA_OPTION...]     (N=96 by default; CORPUS=../shared/corpus)
#
# DATA_DIR: a fresh directory for the embedded database (the quick-start default: durable broker store);
# none: no data directory (in-memory broker: the floor a durable store is measured against).
# Needs launcher/target/imgpipe.jar (./mvnw -B -q -o package -DskipTests -pl launcher -am), curl and python3.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 2 ] || { sed -n '2,12p' "$0"; exit 2; }
label=$1 data=$2; shift 2
n=${N:-96}
c=${CORPUS:-$repo/../shared/corpus}
files=(free_by_Peter_Nerlich.jpg Picture_0B_by_freespace.jpg Bridge_by_Sander_Klootwijk.jpg mate_Dune.jpg
  mate_TwoWings_exif-orient6.jpg mate_LadyBird_cmyk.jpg sunset_by_Aitzol_Berasategi.jpg seeding_by_Clements_Engelhardt.jpg)
work=$(mktemp -d)
cp "$repo/launcher/target/imgpipe.jar" "$work/imgpipe.jar"
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
log=$work/$label.log
IMGPIPE_HTTP_PORT=$port IMGPIPE_HTTP_HOST=127.0.0.1 IMGPIPE_DATA_DIR=$data \
  nice java "$@" -cp "$work/imgpipe.jar" "$repo/bench/src/probe/RunPipeline.java" > "$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
for _ in $(seq 1 120); do grep -q READY "$log" && break; sleep 1; done
grep -q READY "$log" || { echo "$label: did not start, see $log"; exit 1; }
url="http://127.0.0.1:$port/image?width=800&height=800&fit=inside&format=jpeg&quality=85"
one() { curl -s -o /dev/null --max-time 90 -w '%{http_code}\n' -H 'Prefer: wait=60' -H 'Content-Type: image/jpeg' --data-binary "@$c/$1" "$url"; }
export -f one; export c url
pgport=$(grep -o 'embedded PostgreSQL at jdbc:postgresql://localhost:[0-9]*' "$log" | head -1 | sed 's/.*://')
pm=$(pgrep -f "postgres.*-p $pgport" | head -1)
[ -n "$pm" ] || echo "[probe] postmaster of port $pgport not found: PostgreSQL CPU will read 0" >&2
pgcpu() { # postmaster (its own and its reaped children's) + its live children, clock ticks
  [ -n "$pm" ] || { echo 0; return; }
  { awk '{print $14+$15+$16+$17}' "/proc/$pm/stat"; for k in $(pgrep -P "$pm"); do awk '{print $14+$15}' "/proc/$k/stat" 2>/dev/null; done; } \
    | awk '{s+=$1} END {print s+0}'
}
jvmcpu() { awk '{print $14+$15}' "/proc/$pid/stat"; }
lanes() { for i in $(seq 1 "$1"); do echo "${files[$((i % 8))]}"; done | xargs -P4 -I{} bash -c 'one {}' | sort | uniq -c | tr '\n' ' '; }
echo "[probe] warm-up: $(lanes 24)"
t0=$(date +%s.%N); c0=$(jvmcpu); p0=$(pgcpu)
echo "[probe] measured: $(lanes "$n")"
t1=$(date +%s.%N); c1=$(jvmcpu); p1=$(pgcpu)
hwm=$(awk '/VmHWM/{print $2}' "/proc/$pid/status")
python3 -c "
n=$n; w=$t1-$t0; tck=$(getconf CLK_TCK)
print(f'$label: {n/w:.2f} images/s, JVM CPU {($c1-$c0)*1000/tck/n:.0f} ms/image, postgres CPU {($p1-$p0)*1000/tck/n:.0f} ms/image, peak RSS {$hwm/1024:.0f} MiB, load {open(\"/proc/loadavg\").read().split()[0]}')"
