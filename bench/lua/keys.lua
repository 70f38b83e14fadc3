-- wrk script: GET the path in env BENCH_PATH with X-Org-Id from env BENCH_ORG (else ORG), rotating through the first
-- BENCH_KEYS lines of the file in env BENCH_KEYFILE as bearer tokens (no file: no Authorization header), and with
-- If-None-Match from env BENCH_IF_NONE_MATCH when it is set.
local keys = {}
local i = 0
local path = os.getenv("BENCH_PATH") or "/api/surveys"
local org = os.getenv("BENCH_ORG") or os.getenv("ORG")
local if_none_match = os.getenv("BENCH_IF_NONE_MATCH")

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
  if if_none_match and if_none_match ~= "" then headers["If-None-Match"] = if_none_match end
  if #keys > 0 then
    i = i % #keys + 1
    headers["Authorization"] = "Bearer " .. keys[i]
  end
  return wrk.format("GET", path, headers)
end
