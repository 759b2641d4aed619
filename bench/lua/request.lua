-- One fixed request, repeated: method, body and headers come from the environment (bench/run.py).
--   BENCH_METHOD   GET (default) or POST
--   BENCH_BODY     a form-encoded body for POST
--   BENCH_COOKIE   the Cookie header (session and CSRF cookies)
--   BENCH_CSRF     the X-CSRFToken header for a logged-in POST
--   BENCH_AUTH     the Authorization header (Bearer token)
local function env(name)
  local value = os.getenv(name)
  if value == nil or value == "" then return nil end
  return value
end

wrk.method = env("BENCH_METHOD") or "GET"
wrk.headers["Cookie"] = env("BENCH_COOKIE")
wrk.headers["X-CSRFToken"] = env("BENCH_CSRF")
wrk.headers["Authorization"] = env("BENCH_AUTH")
local body = env("BENCH_BODY")
if body then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
