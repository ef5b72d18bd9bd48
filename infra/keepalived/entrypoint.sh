#!/bin/sh
# Starts keepalived with the project's config for KEEPALIVED_ROLE (master | backup) and writes its parameters
# (params.conf, see infra/haproxy/README.md) from the environment:
#   KEEPALIVED_VIP        the virtual IP with its prefix          (default 172.28.0.10/24)
#   KEEPALIVED_INTERFACE  interface for VRRP and the VIP          (default eth0)
#   KEEPALIVED_ROUTER_ID  virtual_router_id, same on both nodes   (default 51)
set -eu
role="${KEEPALIVED_ROLE:-master}"
case "$role" in
  master|backup) ;;
  *) echo "KEEPALIVED_ROLE must be master or backup, not '$role'" >&2; exit 2 ;;
esac
cp "/usr/local/share/imgpipe/keepalived/keepalived-$role.conf" /etc/keepalived/keepalived.conf
printf '$VIP=%s\n$INTERFACE=%s\n$ROUTER_ID=%s\n' "${KEEPALIVED_VIP:-172.28.0.10/24}" \
  "${KEEPALIVED_INTERFACE:-eth0}" "${KEEPALIVED_ROUTER_ID:-51}" > /etc/keepalived/params.conf
exec keepalived --dont-fork --log-console --no-syslog --vrrp -f /etc/keepalived/keepalived.conf
