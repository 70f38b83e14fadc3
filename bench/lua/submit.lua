-- wrk script: POST the form body in env BENCH_BODY to the path in env BENCH_PATH with the antiforgery cookie in
-- env BENCH_COOKIE (a token pair read from the form page once; the pair stays valid for every post).
local path = os.getenv("BENCH_PATH")
local body = os.getenv("BENCH_BODY")
local headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = os.getenv("BENCH_COOKIE") }

function request()
  return wrk.format("POST", path, headers, body)
end
