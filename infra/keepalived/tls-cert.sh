#!/bin/sh
# The balancers' TLS certificate (docker-compose.yml, service tls-cert, run once before the balancers start):
# keeps DIR/imgpipe.pem when it is there (your certificate chain and key, one PEM file), else makes a
# self-signed one for TLS_CERT_NAMES, valid TLS_CERT_DAYS days, so HTTPS works from the first start. Browsers
# warn about a self-signed certificate: put a real one in its place for anything public.
#   TLS_CERT_DIR    default /certs
#   TLS_CERT_NAMES  subjectAltName entries, default DNS:localhost,IP:127.0.0.1,IP:$KEEPALIVED_VIP (172.28.0.10)
#   TLS_CERT_DAYS   default 825
#   TLS_CERT_OWNER  uid:gid that must read it (the official HAProxy image runs as 99:99)
set -eu
names="${TLS_CERT_NAMES:-DNS:localhost,IP:127.0.0.1,IP:${KEEPALIVED_VIP:-172.28.0.10}}"
dir="${TLS_CERT_DIR:-/certs}"
pem="$dir/imgpipe.pem"
if [ -s "$pem" ]; then
  echo "tls-cert: using $pem"
  exit 0
fi
mkdir -p "$dir"
tmp=$(mktemp -d)
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "${TLS_CERT_DAYS:-825}" \
  -subj "/CN=imgpipe self-signed" \
  -addext "subjectAltName=$names" -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>"$tmp/openssl.log" \
  || { cat "$tmp/openssl.log" >&2; echo "tls-cert: openssl failed (TLS_CERT_NAMES=$names)" >&2; exit 1; }
cat "$tmp/cert.pem" "$tmp/key.pem" > "$tmp/imgpipe.pem"
chown "${TLS_CERT_OWNER:-99:99}" "$tmp/imgpipe.pem"
chmod 0640 "$tmp/imgpipe.pem"
mv "$tmp/imgpipe.pem" "$pem"
rm -rf "$tmp"
echo "tls-cert: made a self-signed $pem for $names"
