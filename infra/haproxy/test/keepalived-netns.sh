#!/usr/bin/env bash
# Measures how long the balancers' virtual IP takes to move when the active HAProxy dies.
#
# Runs the real infra/haproxy files (haproxy.cfg, keepalived-master.conf, keepalived-backup.conf,
# check_haproxy.sh) on two network namespaces joined by a bridge in a third one, all created here and all on
# 10.200.0.0/24; nothing touches the host's own interfaces:
#
#   ns imgpipe-kb-ID   bridge br0, 10.200.0.1   the client, and two stand-in gateways (python3 http.server on
#                                               :18081 and :18082 that answer GET /health/ready with 200)
#   ns imgpipe-k1-ID   eth0 10.200.0.11         haproxy (BALANCER_NAME=haproxy1) + keepalived-master.conf
#   ns imgpipe-k2-ID   eth0 10.200.0.12         haproxy (BALANCER_NAME=haproxy2) + keepalived-backup.conf
#   virtual IP 10.200.0.100/24
#
# Then it SIGKILLs the master's HAProxy and polls every 100 ms (for at most 30 s) until GET http://VIP/ answers
# 200 with "X-Balancer: haproxy2". It prints
#   vip_failover_ms=N       from the kill to the first good answer from the backup
#   vip_moved_ms=N          from the kill to the address appearing on the backup's eth0
# and exits 0, or prints the failure and exits 1. Everything it created is removed on exit (trap).
#
# Usage (root; needs iproute2, haproxy, keepalived, curl, python3):
#   infra/haproxy/test/keepalived-netns.sh [-v]      -v: print the keepalived and haproxy logs at the end
set -euo pipefail

VERBOSE=0
[[ "${1:-}" == "-v" ]] && VERBOSE=1
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
fi

HERE="$(cd "$(dirname "$0")/.." && pwd)"        # infra/haproxy
VIP=10.200.0.100
ID=$(( $$ % 100000 ))
NSB="imgpipe-kb-$ID"
NS1="imgpipe-k1-$ID"
NS2="imgpipe-k2-$ID"
WORK=""
POLL_LIMIT_MS=30000

for tool in ip haproxy keepalived curl python3; do
    command -v "$tool" >/dev/null || { echo "keepalived-netns: needs $tool" >&2; exit 1; }
done
[[ $EUID -eq 0 ]] || { echo "keepalived-netns: must run as root (network namespaces)" >&2; exit 1; }

now_ms() { date +%s%3N; }

cleanup() {
    local rc=$?
    set +e
    # Every process this script started lives in one of its namespaces: stop them by pid, then drop the
    # namespaces (which removes the veth pairs and the bridge with them).
    local ns pid left deadline
    for ns in "$NS1" "$NS2" "$NSB"; do
        ip netns list 2>/dev/null | grep -qw "$ns" || continue
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null; done
    done
    # keepalived needs a moment to send its priority-0 advert and remove the address; give it 5 s at most.
    deadline=$(( $(now_ms) + 5000 ))
    while (( $(now_ms) < deadline )); do
        left=""
        for ns in "$NS1" "$NS2" "$NSB"; do left+="$(ip netns pids "$ns" 2>/dev/null)"; done
        [[ -z "$left" ]] && break
        sleep 0.1
    done
    for ns in "$NS1" "$NS2" "$NSB"; do
        ip netns list 2>/dev/null | grep -qw "$ns" || continue
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
    wait 2>/dev/null
    if [[ $VERBOSE -eq 1 && -n "$WORK" ]]; then
        for f in "$WORK"/*/*.log; do echo "----- $f"; tail -n 40 "$f"; done
    fi
    [[ -n "$WORK" ]] && rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
    echo "keepalived-netns: $*" >&2
    for f in "$WORK"/n1/*.log "$WORK"/n2/*.log; do echo "----- $f" >&2; tail -n 25 "$f" >&2; done
    exit 1
}

# keepalived's enable_script_security refuses a check script that a non-root user could change, so the files
# go to a root-only directory under /run rather than /tmp or the checkout.
WORK="$(mktemp -d /run/imgpipe-keepalived.XXXXXX)"
chmod 755 "$WORK"

# ---- network ---------------------------------------------------------------------------------------------
ip netns add "$NSB"
ip netns add "$NS1"
ip netns add "$NS2"
ip -n "$NSB" link set lo up
ip -n "$NSB" link add br0 type bridge
ip -n "$NSB" addr add 10.200.0.1/24 dev br0
ip -n "$NSB" link set br0 up
n=0
for ns in "$NS1" "$NS2"; do
    n=$((n + 1))
    ip link add eth0 netns "$ns" type veth peer name "port$n" netns "$NSB"
    ip -n "$NSB" link set "port$n" master br0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "10.200.0.1$n/24" dev eth0
    ip -n "$ns" link set eth0 up
done

# ---- stand-in gateways -----------------------------------------------------------------------------------
mkdir -p "$WORK/www/health"
echo ok > "$WORK/www/health/ready"
echo ok > "$WORK/www/index.html"
mkdir -p "$WORK/gw"
for port in 18081 18082; do
    ip netns exec "$NSB" timeout 120 python3 -m http.server "$port" --bind 10.200.0.1 --directory "$WORK/www" \
        >"$WORK/gw/$port.log" 2>&1 &
done

# ---- two balancers ---------------------------------------------------------------------------------------
start_balancer() {   # n ns role
    local n=$1 ns=$2 role=$3 dir="$WORK/n$1"
    mkdir -p "$dir"
    cp "$HERE/keepalived-$role.conf" "$dir/keepalived.conf"
    install -m 0755 "$HERE/check_haproxy.sh" "$dir/check_haproxy.sh"
    cat >"$dir/params.conf" <<EOF
\$VIP=$VIP/24
\$INTERFACE=eth0
\$ROUTER_ID=51
\$CHECK_SCRIPT=$dir/check_haproxy.sh
\$CHECK_URL=http://127.0.0.1:8404/stats
EOF
    ip netns exec "$ns" env GATEWAY1_ADDR=10.200.0.1:18081 GATEWAY2_ADDR=10.200.0.1:18082 \
        HAPROXY_HTTP_BIND=:80 HAPROXY_STATS_BIND=:8404 BALANCER_NAME="haproxy$n" \
        timeout 120 haproxy -db -f "$HERE/haproxy.cfg" >"$dir/haproxy.log" 2>&1 &
    disown $!   # it is killed on purpose below: no "Killed" job notice
    ip netns exec "$ns" timeout 120 keepalived --dont-fork --log-console --log-detail --no-syslog --vrrp \
        -f "$dir/keepalived.conf" -p "$dir/keepalived.pid" -r "$dir/vrrp.pid" >"$dir/keepalived.log" 2>&1 &
}
start_balancer 1 "$NS1" master
start_balancer 2 "$NS2" backup

has_vip() { ip -n "$1" -4 addr show dev eth0 | grep -q "inet $VIP/"; }
answer_from() {   # prints the X-Balancer of a 200 answer through the VIP, or nothing
    ip netns exec "$NSB" curl -s -m 0.3 -o /dev/null -D - "http://$VIP/health/ready" 2>/dev/null \
        | tr -d '\r' | awk 'NR==1 && $2!="200"{exit} tolower($1)=="x-balancer:"{print $2}'
}

# Wait (at most 15 s) for the master to hold the address and answer through it.
deadline=$(( $(now_ms) + 15000 ))
until has_vip "$NS1" && [[ "$(answer_from)" == "haproxy1" ]]; do
    (( $(now_ms) < deadline )) || fail "the master did not take $VIP within 15 s"
    sleep 0.1
done
has_vip "$NS2" && fail "both nodes hold $VIP"
echo "vip_on=haproxy1 (master)"

# ---- the failure -----------------------------------------------------------------------------------------
master_haproxy=""
for pid in $(ip netns pids "$NS1"); do
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "haproxy" ]] && master_haproxy="$pid"
done
[[ -n "$master_haproxy" ]] || fail "no haproxy process in $NS1"
t0=$(now_ms)
kill -KILL "$master_haproxy"

moved_ms=""
failover_ms=""
deadline=$(( t0 + POLL_LIMIT_MS ))
while (( $(now_ms) < deadline )); do
    if [[ -z "$moved_ms" ]] && has_vip "$NS2"; then
        moved_ms=$(( $(now_ms) - t0 ))
    fi
    if [[ "$(answer_from)" == "haproxy2" ]]; then
        failover_ms=$(( $(now_ms) - t0 ))
        break
    fi
    sleep 0.1
done
[[ -n "$failover_ms" ]] || fail "no answer from the backup through $VIP within $((POLL_LIMIT_MS / 1000)) s"
has_vip "$NS1" && fail "the dead master still holds $VIP"

echo "vip_on=haproxy2 (backup)"
echo "vip_moved_ms=${moved_ms:-$failover_ms}"
echo "vip_failover_ms=$failover_ms"
