#!/usr/bin/env bash
# Times the figures (GET /api/v1/stats) over a year against the data in the database: seed it
# first with `liaison seed --cases 1000000` (docs/performance.md, docs/statistics.md).
#
#   scripts/bench/figures.sh sqlite|postgres [ROUNDS]
#
# SQLite: the file under $BENCH_DATA/sqlite. PostgreSQL: $BENCH_PG_URL (and $BENCH_REDIS_URL).
# Prints, per grouping and caller, the median and the worst of ROUNDS (default 5) sequential
# requests, and the server's RSS after them. The twelve months before today cut their first
# month; the calendar year so far reads whole months where it can.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

backend="${1:?sqlite or postgres}"
rounds="${2:-5}"
BENCH_OUT="${BENCH_OUT:-$BENCH_ROOT/target/bench}"
BENCH_DATA="${BENCH_DATA:-$BENCH_OUT/data}"
mkdir -p "$BENCH_OUT" "$BENCH_DATA/$backend"
trap stop_server EXIT

case "$backend" in
sqlite) start_server "figures-$backend" LIAISON_DATA_DIR="$BENCH_DATA/sqlite" ;;
postgres)
    start_server "figures-$backend" LIAISON_DATA_DIR="$BENCH_DATA/postgres" \
        LIAISON_DATABASE__URL="${BENCH_PG_URL:?}" LIAISON_REDIS__URL="${BENCH_REDIS_URL:?}"
    ;;
*) echo "unknown backend $backend" >&2 && exit 2 ;;
esac

county=$(staff_token "$COUNTY_ADMIN_PHONE")
admin=$(staff_token "$STATION_ADMIN_PHONE")
deputy=$(staff_token "$DEPUTY_PHONE")
# The seeder spreads its cases over the year before now: the figures of the last twelve months.
from=$(date -u -d '365 days ago' +%Y-%m-%d)
to=$(date -u -d 'tomorrow' +%Y-%m-%d)
period="from=$from&to=$to"

year=$(date -u +%Y)
checks=(
    "county admin, the calendar year|$county|year=$year"
    "county admin, the whole|$county|"
    "county admin, by station|$county|group_by=station"
    "county admin, by township|$county|group_by=township"
    "county admin, by category, by month|$county|group_by=category&by_month=true"
    "county admin, by department|$county|group_by=department"
    "county admin, by deputy|$county|group_by=deputy"
    "county admin, by channel|$county|group_by=channel"
    "station admin, the whole|$admin|"
    "deputy, own cases|$deputy|"
)

printf '%-40s %7s %7s  (%s, %s rounds)\n' "figures" "median" "worst" "$backend" "$rounds"
for check in "${checks[@]}"; do
    IFS='|' read -r label token query <<<"$check"
    # A check that names its own period (year=) asks for it instead of the last twelve months.
    case "$query" in
    year=*) path="/api/v1/stats?$query" ;;
    *) path="/api/v1/stats?$period${query:+&$query}" ;;
    esac
    received=$(curl -sf -m 120 "$BENCH_URL$path" -H "authorization: Bearer $token" |
        jq '.total.received')
    printf '%-40s %s ms  received %s\n' "$label" "$(time_ms "$rounds" "$token" "$path")" "$received"
done
printf 'server RSS after: %s MB\n' "$(rss_mb "$SERVER_PID")"
