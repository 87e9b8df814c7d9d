#!/usr/bin/env bash
# ops/failover-drill.sh KEYFILE [SECONDS] — the failover drill for the docker-compose federation
# (docs/OPERATIONS.md, "Failover drill"). While a load of transfers runs (KEYFILE: an aiki key
# file of a funded kyoto account, e.g. one given a balance by AIKI_KYOTO_GENESIS; half the
# transfers go to osaka), it runs rs.stepDown() on the primary of rs-main, rs-kyoto and rs-osaka in
# turn, SECONDS apart (default 20), and then checks that
#
#   - every acknowledged transfer is CONFIRMED, in exactly one block, with a proof that verifies
#     (aiki tx show --verify), and kyoto's chain audits clean (aiki audit kyoto);
#   - every transfer to osaka is settled for good (CREDITED or REFUNDED);
#
# and prints the write pause each step-down caused: the longest gap between two acknowledged
# transfers after it. Exits 1 if a check fails. COMPOSE overrides the compose command.
set -euo pipefail

key=${1:?usage: ops/failover-drill.sh KEYFILE [SECONDS]}
gap=${2:-20}
read -r -a compose <<< "${COMPOSE:-docker compose}"
: "${AIKI_MONGO_ROOT_PASSWORD:?set AIKI_MONGO_ROOT_PASSWORD (rs.stepDown needs clusterManager)}"
work=$(mktemp -d)
keydir="$(cd "$(dirname "$key")" && pwd)"
keyname=$(basename "$key")
trap 'kill "$load" 2>/dev/null || true; rm -rf "$work"' EXIT

# in_app COMMAND…: a shell command in the services' image on the compose network, the key file at /drill/
in_app() {
  "${compose[@]}" run --rm --no-deps -T -v "$keydir:/drill:ro" --entrypoint sh gateway -c "$1"
}

# The load: one transfer after another, each acknowledged id with the time it was acknowledged.
in_app "
  osaka=\$(node dist/cli/aiki.js key new --municipality osaka --out /tmp/osaka.key)
  kyoto=\$(node dist/cli/aiki.js key new --municipality kyoto --out /tmp/kyoto.key)
  n=0
  while :; do
    n=\$((n + 1))
    if [ \$((n % 2)) = 0 ]; then to=\$osaka; else to=\$kyoto; fi
    if out=\$(node dist/cli/aiki.js --url http://gateway:4000/graphql transfer --key /drill/$keyname --to \$to --amount 1 2>&1); then
      echo \"\$(date +%s.%N) \$to \$out\"
    else
      echo \"\$(date +%s.%N) refused \$out\" >&2
    fi
  done
" > "$work/acks" 2> "$work/refusals" &
load=$!

sleep "$gap"
declare -A stepped
for set in main kyoto osaka; do
  echo "== rs.stepDown() on the primary of rs-$set"
  stepped[$set]=$(date +%s.%N)
  # shellcheck disable=SC2016 # mongosh's template literal, not the shell's
  "${compose[@]}" exec -T "mongo-$set-1" mongosh --quiet --tls --tlsCAFile /certs/ca.pem \
    "mongodb://root:$AIKI_MONGO_ROOT_PASSWORD@mongo-$set-1:27017,mongo-$set-2:27017,mongo-$set-3:27017/admin?replicaSet=rs-$set&authSource=admin" \
    --eval 'const before = db.hello().primary; try { db.adminCommand({ replSetStepDown: 30, secondaryCatchUpPeriodSecs: 10 }) } catch (e) { /* the connection to the old primary drops */ } print(`stepped down ${before}`)'
  sleep "$gap"
done
kill "$load" 2>/dev/null || true
wait "$load" 2>/dev/null || true

acks=$(wc -l < "$work/acks")
echo "== $acks transfers acknowledged, $(wc -l < "$work/refusals") refused or failed while the primaries changed"
for set in main kyoto osaka; do
  # The longest gap between consecutive acknowledgements in the 60 s after the step-down.
  awk -v t="${stepped[$set]}" 'BEGIN { last = t; max = 0 } $1 >= t && $1 <= t + 60 { if ($1 - last > max) max = $1 - last; last = $1 } END { printf "rs-%s: write pause %.1f s\n", set, max }' set="$set" "$work/acks"
done

echo "== checks"
cut -d' ' -f3 "$work/acks" | grep -E '^[a-z0-9-]+:[0-9a-f]{64}$' > "$work/ids" || true
in_app "
  failed=0
  while read -r id; do
    node dist/cli/aiki.js --url http://gateway:4000/graphql tx show \"\$id\" --verify > /tmp/tx.json 2>&1 || { echo \"NOT CONFIRMED OR NOT VERIFIED: \$id\"; failed=1; }
  done
  node dist/cli/aiki.js --url http://gateway:4000/graphql audit kyoto > /tmp/audit.txt 2>&1 && tail -1 /tmp/audit.txt || { cat /tmp/audit.txt; failed=1; }
  exit \$failed
" < "$work/ids"
grep " osaka:" "$work/acks" | cut -d' ' -f3 | in_app "
  node -e '
    const ids = require(\"fs\").readFileSync(0, \"utf8\").split(\"\\n\").filter(Boolean);
    (async () => {
      let open = 0;
      for (const id of ids) {
        for (let i = 0; ; i++) {
          const r = await fetch(\"http://gateway:4000/graphql\", { method: \"POST\", headers: { \"content-type\": \"application/json\" }, body: JSON.stringify({ query: \"query(\$id: String!) { settlement(id: \$id) { status } }\", variables: { id } }) });
          const status = (await r.json()).data?.settlement?.status;
          if (status === \"CREDITED\" || status === \"REFUNDED\") break;
          if (i === 60) { console.log(\"NOT FINAL: \" + id + \" \" + status); open++; break; }
          await new Promise((s) => setTimeout(s, 1000));
        }
      }
      console.log(ids.length + \" transfers to osaka, \" + (ids.length - open) + \" settled for good\");
      process.exit(open ? 1 : 0);
    })();
  '
"
echo "drill passed: $acks acknowledged transfers, each confirmed once with a proof that verifies; every settlement final"
