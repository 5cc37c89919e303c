-- Shared by the wrk scripts: tokens from the environment, a one-line result for run.sh.
-- BENCH_TOKENS: access tokens separated by spaces; requests take them in turn.

local tokens = {}
for token in string.gmatch(os.getenv("BENCH_TOKENS") or "", "%S+") do
   tokens[#tokens + 1] = token
end
local turn = 0

function next_token()
   turn = turn % #tokens + 1
   return tokens[turn]
end

function done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local failed = summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout
   io.write(string.format("RESULT rps=%.0f p50_ms=%.1f p99_ms=%.1f requests=%d failed=%d\n",
      summary.requests / seconds, latency:percentile(50) / 1000,
      latency:percentile(99) / 1000, summary.requests, failed))
end
