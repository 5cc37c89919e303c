-- GET /api/v1/cases/{id} as a county admin, over ids BENCH_FIRST..BENCH_LAST at random.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local first = tonumber(os.getenv("BENCH_FIRST"))
local last = tonumber(os.getenv("BENCH_LAST"))

function request()
   return wrk.format("GET", "/api/v1/cases/" .. math.random(first, last), {
      ["authorization"] = "Bearer " .. next_token(),
   })
end
