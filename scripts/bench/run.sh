#!/usr/bin/env bash
# The load benchmark (docs/performance.md): the release binary on SQLite and on
# PostgreSQL + Redis under wrk at each client count for a fixed time, submit / read / queue
# page, then pgbench running the same SQL on the same PostgreSQL, in the same run.
#
#   scripts/bench/run.sh              # everything, about 15 minutes on 2 cores
#   BENCH_BACKENDS=sqlite BENCH_SECONDS=10 scripts/bench/run.sh
#
# Environment (defaults in brackets):
#   BENCH_BACKENDS  [sqlite postgres]   BENCH_CLIENTS [16 64]   BENCH_SECONDS [20]
#   BENCH_CASES     [20000] cases seeded before the run (`liaison seed`)
#   BENCH_PG_ADMIN_URL [postgres://postgres@127.0.0.1:55432/postgres]: a user that may create
#                   databases; the run drops and creates the database liaison_bench
#   BENCH_REDIS_URL [redis://127.0.0.1:56379]
#   BENCH_OUT       [target/bench]: logs, and results.md with the table printed at the end
set -euo pipefail
source "$(dirname "$0")/lib.sh"

backends="${BENCH_BACKENDS:-sqlite postgres}"
clients="${BENCH_CLIENTS:-16 64}"
seconds="${BENCH_SECONDS:-20}"
seed_cases="${BENCH_CASES:-20000}"
pg_admin="${BENCH_PG_ADMIN_URL:-postgres://postgres@127.0.0.1:55432/postgres}"
BENCH_REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:56379}"
BENCH_OUT="${BENCH_OUT:-$BENCH_ROOT/target/bench}"
export BENCH_LUA="$BENCH_ROOT/scripts/bench/wrk"
pg_url="${pg_admin%/*}/liaison_bench"
PATH="$PATH:/usr/lib/postgresql/15/bin"
for tool in wrk pgbench psql jq curl; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y wrk postgresql-client jq curl)" >&2; exit 2; }
done
mkdir -p "$BENCH_OUT"
results="$BENCH_OUT/results.md"
trap stop_server EXIT

echo "building the release binary" >&2
build_release

row() { printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$@" | tee -a "$results"; }
: >"$results"
row backend what clients "req/s" "p50 ms" "p99 ms" "failed"
row --- --- --- --- --- --- ---

# field NAME LINE: the value of NAME=... in a RESULT line.
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }

# load BACKEND KIND CLIENTS TOKENS: one wrk run; prints its RESULT line, records max RSS.
load() {
    local backend="$1" kind="$2" n="$3" tokens="$4" out peak=0 rss
    BENCH_TOKENS="$tokens" wrk -t2 -c"$n" -d"${seconds}s" --timeout 5s \
        -s "$BENCH_LUA/$kind.lua" "$BENCH_URL" >"$BENCH_OUT/wrk-$backend-$kind-$n.txt" 2>&1 &
    local wrk_pid=$!
    while kill -0 "$wrk_pid" 2>/dev/null; do
        rss=$(rss_mb "$SERVER_PID")
        [ "$rss" -gt "$peak" ] && peak=$rss
        sleep 1
    done
    wait "$wrk_pid"
    out=$(grep '^RESULT' "$BENCH_OUT/wrk-$backend-$kind-$n.txt")
    [ "$peak" -gt "$LOAD_RSS" ] && LOAD_RSS=$peak
    row "$backend" "$kind" "$n" "$(field rps "$out")" "$(field p50_ms "$out")" \
        "$(field p99_ms "$out")" "$(field failed "$out")"
    eval "RPS_${backend}_${kind}_$n=$(field rps "$out")"
}

for backend in $backends; do
    data="$BENCH_OUT/data/load-$backend"
    rm -rf "$data" && mkdir -p "$data"
    db_env=(LIAISON_DATA_DIR="$data")
    if [ "$backend" = postgres ]; then
        psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS liaison_bench" -c "CREATE DATABASE liaison_bench"
        db_env+=(LIAISON_DATABASE__URL="$pg_url" LIAISON_REDIS__URL="$BENCH_REDIS_URL")
    fi
    echo "$backend: seeding $seed_cases cases" >&2
    env "${db_env[@]}" LIAISON_LOG__FILTER=warn "$BENCH_BIN" seed --cases "$seed_cases" >&2
    # Eight residents submit thousands of cases a second here: lift the per-resident limits,
    # which would otherwise answer 429 after the twentieth case of each within the hour.
    start_server "load-$backend" "${db_env[@]}" LIAISON_CASES__PER_RESIDENT_PER_HOUR=1000000000 \
        LIAISON_CASES__PER_RESIDENT_PER_DAY=1000000000
    county=$(staff_token "$COUNTY_ADMIN_PHONE")
    admin=$(staff_token "$STATION_ADMIN_PHONE")
    residents=""
    for n in 1 2 3 4 5 6 7 8; do
        residents+="$(resident_token "seed-resident-$n") "
    done
    export BENCH_STATION BENCH_CATEGORY BENCH_FIRST=1 BENCH_LAST="$seed_cases"
    BENCH_STATION=$(get_json /api/v1/me "$admin" | jq -er '.scopes.station_ids[0]')
    BENCH_CATEGORY=$(get_json "/api/v1/categories?limit=1" | jq -er '.items[0].id')
    # Idle means settled: a blocking thread that hashed a login's password (19 MiB of argon2
    # memory) hands it back when it retires, after 10 s without work.
    sleep 12
    idle=$(rss_mb "$SERVER_PID")
    LOAD_RSS=$idle
    for n in $clients; do
        load "$backend" submit "$n" "$residents"
        load "$backend" read "$n" "$county"
        load "$backend" queue "$n" "$county"
    done
    stop_server
    row "$backend" "RSS MB idle / under load" - "$idle / $LOAD_RSS" - - -
done

if [[ " $backends " == *" postgres "* ]]; then
    q() { psql -Atq "$pg_url" -c "$1"; }
    defines=(
        -D station="$BENCH_STATION" -D category="$BENCH_CATEGORY"
        -D county="$(q "SELECT county_id FROM stations WHERE id = $BENCH_STATION")"
        -D resident_first="$(q "SELECT min(id) FROM users WHERE openid LIKE 'seed-resident-%'")"
        -D resident_last="$(q "SELECT max(id) FROM users WHERE openid LIKE 'seed-resident-%'")"
        -D staff="$(q "SELECT id FROM users WHERE phone = '$STATION_ADMIN_PHONE'")"
        -D first=1 -D last="$seed_cases"
    )
    for n in $clients; do
        for kind in submit read queue; do
            rm -f "$BENCH_OUT"/pgbench_log.*
            (cd "$BENCH_OUT" && pgbench -n -M prepared -c "$n" -j 2 -T "$seconds" -l \
                "${defines[@]}" -f "$BENCH_ROOT/scripts/bench/pgbench/$kind.sql" "$pg_url" \
                >"pgbench-$kind-$n.txt" 2>&1) || echo "pgbench $kind $n failed: see $BENCH_OUT/pgbench-$kind-$n.txt" >&2
            tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$BENCH_OUT/pgbench-$kind-$n.txt" | head -1)
            # Per-transaction log: the third column is the latency in microseconds.
            read -r p50 p99 < <(cat "$BENCH_OUT"/pgbench_log.* | awk '{ print $3 }' | sort -n |
                awk '{ t[NR] = $1 } END { printf "%.1f %.1f\n", t[int(NR * 0.5)] / 1000, t[int(NR * 0.99)] / 1000 }')
            failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$BENCH_OUT/pgbench-$kind-$n.txt")
            row pgbench "$kind" "$n" "${tps%.*}" "$p50" "$p99" "${failed:-0}"
            server=$(eval "echo \${RPS_postgres_${kind}_$n:-}")
            if [ -n "$server" ] && [ -n "$tps" ]; then
                row "server / pgbench" "$kind" "$n" "$(awk -v s="$server" -v p="$tps" 'BEGIN { printf "%.2f", s / p }')" - - -
            fi
        done
    done
    rm -f "$BENCH_OUT"/pgbench_log.*
fi
echo "results: $results" >&2
