-- POST the login form, cycling through the personas in BENCH_USERS (comma separated), all with
-- the password BENCH_PASSWORD. The CSRF token is a fixed secret sent as cookie and form field,
-- which is what Django checks (the login then rotates it, but wrk never keeps cookies).
-- Successful logins reset django-axes' failure count, so this never locks anyone out.
local users = {}
for user in string.gmatch(os.getenv("BENCH_USERS") or "", "[^,]+") do
  table.insert(users, user)
end
local password = os.getenv("BENCH_PASSWORD") or ""
local csrf = os.getenv("BENCH_CSRF") or ""
local counter = 0

local function encode(value)
  return (string.gsub(value, "[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

request = function()
  counter = counter + 1
  local user = users[(counter % #users) + 1]
  local body = "csrfmiddlewaretoken=" .. csrf .. "&username=" .. encode(user) .. "&password=" .. encode(password)
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. csrf,
  }
  return wrk.format("POST", nil, headers, body)
end
