#!/usr/bin/env bash
# Times the console's queue page (GET /console/cases, a 50-row page rendered to HTML) against
# the data in the database, logged in through the console's form: seed it first with
# `liaison seed --cases 1000000` (docs/performance.md, docs/console.md).
#
#   scripts/bench/console.sh sqlite|postgres [ROUNDS]
#
# Prints, per page, the median and the worst of ROUNDS (default 15) sequential requests.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

backend="${1:?sqlite or postgres}"
rounds="${2:-15}"
BENCH_OUT="${BENCH_OUT:-$BENCH_ROOT/target/bench}"
BENCH_DATA="${BENCH_DATA:-$BENCH_OUT/data}"
mkdir -p "$BENCH_OUT" "$BENCH_DATA/$backend"
jars=$(mktemp -d)
trap 'stop_server; rm -rf "$jars"' EXIT

case "$backend" in
sqlite) start_server "console-$backend" LIAISON_DATA_DIR="$BENCH_DATA/sqlite" ;;
postgres)
    start_server "console-$backend" LIAISON_DATA_DIR="$BENCH_DATA/postgres" \
        LIAISON_DATABASE__URL="${BENCH_PG_URL:?}" LIAISON_REDIS__URL="${BENCH_REDIS_URL:?}"
    ;;
*) echo "unknown backend $backend" >&2 && exit 2 ;;
esac

console_session "$COUNTY_ADMIN_PHONE" "$jars/county"
console_session "$STATION_ADMIN_PHONE" "$jars/admin"
console_session "$DEPUTY_PHONE" "$jars/deputy"

q() { printf 'q=%s' "$(jq -rn --arg v "$1" '$v | @uri')"; }

checks=(
    "county admin, all|county|"
    "station admin, own station|admin|"
    "deputy, own stations|deputy|"
    "status=submitted|county|status=submitted"
    "overdue=true|county|overdue=true"
    "sort=deadline, county admin|county|sort=deadline"
    "sort=deadline, station admin|admin|sort=deadline"
    "q= rare word (褚营村)|county|$(q 褚营村)"
    "q= common word (路灯)|county|$(q 路灯)"
)

printf '%-36s %7s %7s  (%s, %s rounds)\n' "page" "median" "worst" "$backend" "$rounds"
for check in "${checks[@]}"; do
    IFS='|' read -r label who query <<<"$check"
    path="/console/cases?limit=50${query:+&$query}"
    # One request first: the page is the same, and a cold cache is not what is measured.
    rows=$(curl -s -b "$jars/$who" "$BENCH_URL$path" | grep -c 'data-case-id=' || true)
    printf '%-36s %s ms  %3s rows\n' "$label" "$(time_ms "$rounds" "$jars/$who" "$path")" "$rows"
done
home_path="/console"
printf '%-36s %s ms\n' "home (figures), station admin" "$(time_ms "$rounds" "$jars/admin" "$home_path")"
