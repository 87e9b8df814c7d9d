#!/bin/sh
# The one-shot certificate job of docker-compose.yml: a private CA and a certificate per host,
# made once into the certs volume (mounted at /certs), signed by that CA. MongoDB members get
# <host>.pem (key and certificate in one file, owned by mongod's uid 999); the Aiki services get
# <host>.crt and <host>.key (owned by the image's node user, uid 1000). Every certificate names
# its host and localhost (the health checks connect to localhost).
#
#   AIKI_CERT_DAYS  validity in days (default 825)
set -eu

dir=/certs
days=${AIKI_CERT_DAYS:-825}
mongo_hosts="mongo-main-1 mongo-main-2 mongo-main-3 mongo-kyoto-1 mongo-kyoto-2 mongo-kyoto-3 mongo-osaka-1 mongo-osaka-2 mongo-osaka-3"
service_hosts="mainchain mainchain-2 ledger-kyoto ledger-osaka gateway"

if [ -s "$dir/ca.pem" ]; then
  echo "certificates exist in $dir: kept (delete the volume to make new ones)"
  exit 0
fi
command -v openssl >/dev/null 2>&1 || apk add --no-cache openssl >/dev/null

umask 077
tmp=$(mktemp -d)
openssl req -x509 -newkey rsa:3072 -nodes -sha256 -days "$days" \
  -keyout "$tmp/ca.key" -out "$tmp/ca.pem" -subj "/CN=Aiki federation CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

# sign HOST USAGE: a key and a certificate for HOST, in $tmp
sign() {
  printf 'subjectAltName=DNS:%s,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=%s\n' "$1" "$2" > "$tmp/$1.ext"
  openssl req -newkey rsa:2048 -nodes -keyout "$tmp/$1.key" -out "$tmp/$1.csr" -subj "/CN=$1"
  openssl x509 -req -sha256 -days "$days" -in "$tmp/$1.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
    -out "$tmp/$1.crt" -extfile "$tmp/$1.ext"
}

for host in $mongo_hosts; do
  # Members connect to each other with the same certificate: server and client use.
  sign "$host" serverAuth,clientAuth
  cat "$tmp/$host.key" "$tmp/$host.crt" > "$dir/$host.pem"
  chown 999:999 "$dir/$host.pem"
  chmod 400 "$dir/$host.pem"
done
for host in $service_hosts; do
  sign "$host" serverAuth
  cp "$tmp/$host.crt" "$tmp/$host.key" "$dir/"
  chown 1000:1000 "$dir/$host.crt" "$dir/$host.key"
  chmod 400 "$dir/$host.key"
  chmod 444 "$dir/$host.crt"
done
# The CA's certificate for everyone; its key stays in no volume.
cp "$tmp/ca.pem" "$dir/ca.pem"
chmod 444 "$dir/ca.pem"
rm -rf "$tmp"
echo "made a CA and certificates for: $mongo_hosts $service_hosts"
