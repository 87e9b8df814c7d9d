#!/usr/bin/env bash
# ops/backup.sh [DIR] — backs up the docker-compose federation (docs/OPERATIONS.md, "Backup and restore"):
#
#   1. mongodump --oplog of each replica set (rs-main, rs-kyoto, rs-osaka), read from a secondary
#      when one is up, as the aiki-backup user, over TLS: a point-in-time copy of everything,
#      restored with mongorestore --oplogReplay;
#   2. the verifiable archive of each chain (aiki backup kyoto|osaka|--mainchain), then each archive
#      verified at once (aiki restore --verify-only; a ledger's against the federation's keys and
#      anchors, --check-anchors): a backup that does not verify fails this script.
#
# Writes DIR/<UTC time>/ (default DIR: backups) with a SHA256SUMS. Run it from the directory of
# docker-compose.yml with the federation up and the same environment (AIKI_MONGO_BACKUP_PASSWORD,
# AIKI_MAINCHAIN_PUBLIC_KEY). COMPOSE overrides the compose command (default: docker compose).
set -euo pipefail

base=${1:-backups}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$(mkdir -p "$base/$stamp" && cd "$base/$stamp" && pwd)"
read -r -a compose <<< "${COMPOSE:-docker compose}"
: "${AIKI_MONGO_BACKUP_PASSWORD:?set AIKI_MONGO_BACKUP_PASSWORD (the init jobs made the aiki-backup user with it)}"
: "${AIKI_MAINCHAIN_PUBLIC_KEY:?set AIKI_MAINCHAIN_PUBLIC_KEY}"
user="$(id -u):$(id -g)"
# Passwords go into connection strings as they are: make them hex (openssl rand -hex 16).
password=$AIKI_MONGO_BACKUP_PASSWORD

# uri SET READPREF: the aiki-backup user's connection string for replica set rs-SET
uri() {
  printf 'mongodb://aiki-backup:%s@mongo-%s-1:27017,mongo-%s-2:27017,mongo-%s-3:27017/?replicaSet=rs-%s&authSource=admin&tls=true&tlsCAFile=/certs/ca.pem&readPreference=%s' \
    "$password" "$1" "$1" "$1" "$1" "$2"
}

# aiki ARGS…: the CLI in the services' image, on the compose network, writing to $out
aiki() {
  "${compose[@]}" run --rm --no-deps -T --user "$user" -v "$out:/backup" --entrypoint node gateway dist/cli/aiki.js --url http://gateway:4000/graphql "$@"
}

started=$(date +%s)
for set in main kyoto osaka; do
  echo "== mongodump --oplog of rs-$set"
  "${compose[@]}" run --rm --no-deps -T --user "$user" -v "$out:/backup" --entrypoint mongodump "rs-$set-init" \
    --uri "$(uri "$set" secondaryPreferred)" --oplog --gzip --archive="/backup/rs-$set.mongodump.gz"
done

for chain in kyoto osaka; do
  echo "== aiki backup $chain"
  aiki backup "$chain" --mongo-uri "$(uri "$chain" primary)" --out "/backup/$chain.aiki.gz" --mainchain-key "$AIKI_MAINCHAIN_PUBLIC_KEY"
  aiki restore --in "/backup/$chain.aiki.gz" --verify-only --check-anchors
done
echo "== aiki backup --mainchain"
aiki backup --mainchain --mongo-uri "$(uri main primary)" --out /backup/mainchain.aiki.gz
aiki restore --in /backup/mainchain.aiki.gz --verify-only --mainchain-key "$AIKI_MAINCHAIN_PUBLIC_KEY"

(cd "$out" && sha256sum -- * > SHA256SUMS)
echo "backed up to $out in $(( $(date +%s) - started )) s:"
ls -l "$out"
