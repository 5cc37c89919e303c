# Shared by the benchmark scripts: start and stop the release binary, log in, time requests.
# Sourced, not run. Loopback only; every wait is bounded.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_BIN="${BENCH_BIN:-${CARGO_TARGET_DIR:-$BENCH_ROOT/target}/release/liaison}"
BENCH_ADDR="${BENCH_ADDR:-127.0.0.1:18080}"
BENCH_URL="http://$BENCH_ADDR"
DEMO_PASSWORD="liaison-demo-2026"

# The demo's staff accounts (see `liaison serve --demo`).
COUNTY_ADMIN_PHONE=13800000001
STATION_ADMIN_PHONE=13800000002
DEPUTY_PHONE=13800000004
HANDLER_PHONE=13800000005
# Made by queue.sh for 李建国, who sits at two stations: a deputy's IN (...) list.
TWO_STATION_DEPUTY_PHONE=13900000062

build_release() {
    (cd "$BENCH_ROOT" && cargo build --release -q -p liaison-api)
}

# start_server NAME [ENV=VALUE ...]: runs `liaison serve` with dev login on, the environment
# given, logs to $BENCH_OUT/NAME.log; sets SERVER_PID. Waits up to 60 s for /readyz.
start_server() {
    local name="$1"
    shift
    env LIAISON_HTTP__ADDR="$BENCH_ADDR" LIAISON_AUTH__DEV_LOGIN=true \
        LIAISON_LOG__FILTER=warn "$@" "$BENCH_BIN" serve >"$BENCH_OUT/$name.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 600); do
        if curl -sf "$BENCH_URL/readyz" >/dev/null 2>&1; then
            return 0
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "the server stopped; see $BENCH_OUT/$name.log" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "the server did not get ready in 60 s" >&2
    return 1
}

stop_server() {
    if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"
        for _ in $(seq 1 150); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}

# rss_mb PID: resident set size from /proc/PID/status (VmRSS), in MB.
rss_mb() {
    awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}

post_json() {
    curl -sf -m 10 -XPOST "$BENCH_URL$1" -H 'content-type: application/json' \
        ${3:+-H "authorization: Bearer $3"} -d "$2"
}

get_json() {
    curl -sf -m 10 "$BENCH_URL$1" ${2:+-H "authorization: Bearer $2"}
}

staff_token() {
    post_json /api/v1/auth/password "{\"phone\":\"$1\",\"password\":\"$DEMO_PASSWORD\"}" |
        jq -er .access_token
}

resident_token() {
    post_json /api/v1/auth/dev "{\"openid\":\"$1\"}" | jq -er .access_token
}

# two_station_deputy_token COUNTY_ADMIN_TOKEN STATION: an account for 李建国, who sits at
# STATION (the first demo station) and the next (made once).
two_station_deputy_token() {
    if ! staff_token "$TWO_STATION_DEPUTY_PHONE" 2>/dev/null; then
        local deputy
        deputy=$(get_json "/api/v1/stations/$2/deputies" |
            jq -er '.[] | select(.name == "李建国") | .id')
        # A few tries: on SQLite the deadline watcher's first sweep may hold the write lock.
        for _ in 1 2 3 4 5; do
            post_json /api/v1/users "{\"role\":\"deputy\",\"name\":\"李建国\",\"phone\":\"$TWO_STATION_DEPUTY_PHONE\",\"password\":\"$DEMO_PASSWORD\",\"deputy_id\":$deputy}" "$1" >/dev/null && break
            sleep 2
        done
        staff_token "$TWO_STATION_DEPUTY_PHONE"
    fi
}

# time_ms ROUNDS TOKEN PATH: median and worst of ROUNDS sequential GETs, in ms (curl's total
# time on loopback: the server's time plus well under a millisecond).
time_ms() {
    local rounds="$1" who="$2" path="$3"
    # `who` is an API access token, or a console session's cookie jar (a file).
    local auth=(-H "authorization: Bearer $who")
    [ -f "$who" ] && auth=(-b "$who")
    for _ in $(seq 1 "$rounds"); do
        curl -s -o /dev/null -m 120 -w '%{time_total}\n' "${auth[@]}" "$BENCH_URL$path"
    done | sort -n | awk '{ t[NR] = $1 * 1000 } END { printf "%7.1f %7.1f", t[int((NR + 1) / 2)], t[NR] }'
}

# Logs `phone` in to the console through its form; the session's cookies go to file `jar`.
console_session() {
    local phone="$1" jar="$2" csrf
    csrf=$(curl -s -c "$jar" "$BENCH_URL/console/login" |
        grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
    curl -s -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf=$csrf" \
        --data-urlencode "phone=$phone" --data-urlencode "password=$DEMO_PASSWORD" \
        --data-urlencode "next=/console" "$BENCH_URL/console/login"
    grep -q liaison_console "$jar" || { echo "console login of $phone failed" >&2; return 1; }
}
