-- POST /api/v1/cases as residents in turn: what a resident does from the mini-program.
-- BENCH_STATION, BENCH_CATEGORY: where and what about.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local body_of = function(n)
   return string.format(
      '{"station_id":%s,"category_id":%s,"title":"人民路路灯不亮%d","content":"人民路%d号附近的路灯一直不亮，晚上出行很不安全，希望尽快维修。","location":"柏城街道人民路"}',
      os.getenv("BENCH_STATION"), os.getenv("BENCH_CATEGORY"), n, n)
end
local n = 0

function request()
   n = n + 1
   return wrk.format("POST", "/api/v1/cases", {
      ["content-type"] = "application/json",
      ["authorization"] = "Bearer " .. next_token(),
   }, body_of(n))
end
