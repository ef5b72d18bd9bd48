#!/bin/sh
# Health of the local HAProxy, for keepalived's vrrp_script: exit 0 when it serves its stats page.
#
# Usage: check_haproxy.sh [URL]      (default http://127.0.0.1:8404/stats)
#
# Why an HTTP request rather than `killall -0 haproxy`: in docker-compose.yml keepalived runs in a sidecar that
# shares HAProxy's network namespace but not its process namespace, so it cannot see the process at all; and a
# HAProxy that still exists but no longer accepts connections fails this check while it would pass killall.
# `killall -0` remains the fallback when neither curl nor wget is installed (keepalived beside HAProxy).
url="${1:-http://127.0.0.1:8404/stats}"

if command -v curl >/dev/null 2>&1; then
    exec curl -fsS -o /dev/null --max-time 1 "$url"
elif command -v wget >/dev/null 2>&1; then
    exec wget -q -O /dev/null -T 1 "$url"
else
    exec killall -0 haproxy
fi
