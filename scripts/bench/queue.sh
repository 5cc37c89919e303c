#!/usr/bin/env bash
# Times each filter of the case queue (GET /api/v1/cases, a 20-row page) against the data in
# the database: seed it first with `liaison seed --cases 1000000` (docs/performance.md).
#
#   scripts/bench/queue.sh sqlite|postgres [ROUNDS]
#
# SQLite: the file under $BENCH_DATA/sqlite. PostgreSQL: $BENCH_PG_URL (and $BENCH_REDIS_URL).
# Prints, per filter, the median and the worst of ROUNDS (default 15) sequential requests.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

backend="${1:?sqlite or postgres}"
rounds="${2:-15}"
BENCH_OUT="${BENCH_OUT:-$BENCH_ROOT/target/bench}"
BENCH_DATA="${BENCH_DATA:-$BENCH_OUT/data}"
mkdir -p "$BENCH_OUT" "$BENCH_DATA/$backend"
trap stop_server EXIT

case "$backend" in
sqlite) start_server "queue-$backend" LIAISON_DATA_DIR="$BENCH_DATA/sqlite" ;;
postgres)
    start_server "queue-$backend" LIAISON_DATA_DIR="$BENCH_DATA/postgres" \
        LIAISON_DATABASE__URL="${BENCH_PG_URL:?}" LIAISON_REDIS__URL="${BENCH_REDIS_URL:?}"
    ;;
*) echo "unknown backend $backend" >&2 && exit 2 ;;
esac

county=$(staff_token "$COUNTY_ADMIN_PHONE")
admin=$(staff_token "$STATION_ADMIN_PHONE")
deputy=$(staff_token "$DEPUTY_PHONE")
handler=$(staff_token "$HANDLER_PHONE")
resident=$(resident_token seed-resident-1)
station=$(get_json /api/v1/me "$admin" | jq -er '.scopes.station_ids[0]')
two=$(two_station_deputy_token "$county" "$station")
# A case number that exists: one case, found by its number.
number=$(get_json "/api/v1/cases?limit=1&status=closed" "$county" | jq -er '.items[0].number')

q() { printf 'q=%s' "$(jq -rn --arg v "$1" '$v | @uri')"; }

checks=(
    "county admin, all|$county|"
    "station admin, own station|$admin|"
    "deputy, one station|$deputy|"
    "deputy, two stations|$two|"
    "handler, own department|$handler|"
    "resident, own cases|$resident|"
    "station_id|$county|station_id=$station"
    "status=submitted|$county|status=submitted"
    "status=closed|$county|status=closed"
    "overdue=true|$county|overdue=true"
    "overdue=false|$county|overdue=false"
    "overdue=true, station admin|$admin|overdue=true"
    "q= common word (路灯)|$county|$(q 路灯)"
    "q= common word, station admin|$admin|$(q 路灯)"
    "q= common word, resident|$resident|$(q 路灯)"
    "q= rare word (褚营村)|$county|$(q 褚营村)"
    "q= one character, common (的)|$county|$(q 的)"
    "q= one character, rare (褚)|$county|$(q 褚)"
    "q= case number|$county|$(q "$number")"
    "q= words nobody wrote (飞机场)|$county|$(q 飞机场)"
    "sort=deadline, county admin|$county|sort=deadline"
    "sort=deadline, station admin|$admin|sort=deadline"
    "sort=deadline, deputy, two stations|$two|sort=deadline"
    "sort=deadline, handler|$handler|sort=deadline"
    "sort=deadline, resident|$resident|sort=deadline"
    "sort=deadline&status=accepted|$county|sort=deadline&status=accepted"
    "sort=deadline&status=closed|$county|sort=deadline&status=closed"
    "sort=deadline&overdue=true|$county|sort=deadline&overdue=true"
    "sort=deadline&q=路灯|$county|sort=deadline&$(q 路灯)"
)

printf '%-40s %7s %7s  (%s, %s rounds)\n' "filter" "median" "worst" "$backend" "$rounds"
for check in "${checks[@]}"; do
    IFS='|' read -r label token query <<<"$check"
    path="/api/v1/cases?limit=20${query:+&$query}"
    # One request first: the page is the same, and a cold cache is not what is measured.
    rows=$(get_json "$path" "$token" | jq '.items | length')
    printf '%-40s %s ms  %3s rows\n' "$label" "$(time_ms "$rounds" "$token" "$path")" "$rows"
done
