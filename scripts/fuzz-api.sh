#!/usr/bin/env bash
# Runs schemathesis (from PyPI) against the real server for every operation of the committed
# spec, as a county admin and as a resident, bounded in examples; fails on any 5xx, any status
# the spec does not list, or any answer that does not match its schema. Expects the debug
# binary `cargo test --workspace` built (target/debug/liaison).
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
PORT=${LIAISON_FUZZ_PORT:-18790}
BINARY=${CARGO_TARGET_DIR:-target}/debug/liaison

python3 -m pip install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2

data=$(mktemp -d)
LIAISON_DATA_DIR="$data" LIAISON_HTTP__ADDR="127.0.0.1:$PORT" LIAISON_LOG__FILTER=warn \
  "$BINARY" serve --demo >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

token() { curl -fs -XPOST "http://127.0.0.1:$PORT/api/v1/auth/$1" -H 'content-type: application/json' -d "$2" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'; }
county_admin=$(token password '{"phone":"13800000001","password":"liaison-demo-2026"}')
resident=$(token dev '{"openid":"fuzz-resident"}')

for who in county_admin resident; do
  echo "fuzz-api: as $who" >&2
  # Logout and refresh would end the very session the run authenticates with.
  schemathesis run "http://127.0.0.1:$PORT/openapi.json" \
    -H "Authorization: Bearer ${!who}" \
    --max-examples 10 \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance \
    --exclude-path-regex '/auth/(logout|refresh)'
done
echo "fuzz-api: no 5xx, no undocumented status, every answer matches its schema"
