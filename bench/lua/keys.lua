-- wrk script: GET the path in env BENCH_PATH with X-Org-Id from env ORG, rotating through the first
-- BENCH_KEYS lines of the file in env BENCH_KEYFILE as bearer tokens (no file: no Authorization header).
local keys = {}
local i = 0
local path = os.getenv("BENCH_PATH") or "/api/surveys"
local org = os.getenv("ORG")

function init(args)
  local file = os.getenv("BENCH_KEYFILE")
  local limit = tonumber(os.getenv("BENCH_KEYS") or "1")
  if file and file ~= "" then
    for line in io.lines(file) do
      if #keys >= limit then break end
      keys[#keys + 1] = line
    end
  end
  i = math.random(1, math.max(#keys, 1))
end

function request()
  local headers = { ["X-Org-Id"] = org }
  if #keys > 0 then
    i = i % #keys + 1
    headers["Authorization"] = "Bearer " .. keys[i]
  end
  return wrk.format("GET", path, headers)
end
