-- GET /api/v1/cases?limit=20: the first page of the caller's queue, newest first.
dofile(os.getenv("BENCH_LUA") .. "/common.lua")

function request()
   return wrk.format("GET", "/api/v1/cases?limit=20", {
      ["authorization"] = "Bearer " .. next_token(),
   })
end
