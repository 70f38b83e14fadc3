-- wrk script: the submission of bench/lua/submit.lua, paced: each connection waits env BENCH_DELAY_MS between its
-- posts, so one connection makes a steady background stream (1000 / BENCH_DELAY_MS a second, less its latency).
local path = os.getenv("BENCH_PATH")
local body = os.getenv("BENCH_BODY")
local pause = tonumber(os.getenv("BENCH_DELAY_MS"))
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = os.getenv("BENCH_COOKIE") }

function request()
  return wrk.format("POST", path, headers, body)
end

function delay()
  return pause
end
