-- wrk script of bench/webhooks_vs_fastify.sh: POSTs pre-signed Standard
-- Webhooks deliveries, each once, and counts the answers.
--
--   wrk -t2 -c32 -d10s --timeout 15s -s post_signed.lua <url> -- <requests file> <threads>
--
-- The requests file has one delivery a line: webhook-id, webhook-timestamp,
-- webhook-signature and the JSON body, separated by tabs. Thread i (0-based)
-- sends lines i, i + threads, i + 2*threads, ... so that no two threads send
-- the same delivery; a thread that runs out starts again from its first
-- line and counts it in `wrapped` (the bench then reruns with more lines).
-- done() prints one line "WRKRESULT {json}" with the totals: 200s (with
-- '"id"' in the body), other 2xx, others, sent, answered, wrapped, and
-- req/s, p50, p99 (ms).

local threads = {}
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads = args[1], tonumber(args[2])
  local path = wrk.path
  reqs = {}
  local line_no = 0
  for line in io.lines(file) do
    if line_no % nthreads == tid then
      local id, ts, sig, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      reqs[#reqs + 1] = wrk.format("POST", path, {
        ["Content-Type"] = "application/json",
        ["webhook-id"] = id,
        ["webhook-timestamp"] = ts,
        ["webhook-signature"] = sig,
      }, body)
    end
    line_no = line_no + 1
  end
  idx, wrapped, sent, answered, ok200, bad_body, other2xx, non2xx = 0, 0, 0, 0, 0, 0, 0, 0
end

function request()
  idx = idx + 1
  if idx > #reqs then
    idx = 1
    wrapped = wrapped + 1
  end
  sent = sent + 1
  return reqs[idx]
end

function response(status, headers, body)
  answered = answered + 1
  if status == 200 then
    ok200 = ok200 + 1
    if not (body and body:find('"id"', 1, true)) then bad_body = bad_body + 1 end
  elseif status >= 200 and status < 300 then
    other2xx = other2xx + 1
  else
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local t = { ok200 = 0, bad_body = 0, other2xx = 0, non2xx = 0, sent = 0, answered = 0,
              wrapped = 0 }
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
  end
  local e = summary.errors
  io.write(string.format(
    'WRKRESULT {"ok200": %d, "bad_body": %d, "other2xx": %d, "non2xx": %d, "sent": %d, ' ..
    '"answered": %d, "wrapped": %d, "requests": %d, "duration_us": %d, "rps": %.1f, ' ..
    '"p50_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "socket_errors": %d, "timeouts": %d}\n',
    t.ok200, t.bad_body, t.other2xx, t.non2xx, t.sent, t.answered, t.wrapped,
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write, e.timeout))
end
