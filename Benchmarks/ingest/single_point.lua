-- wrk script: every request posts one point, like many small clients would.
-- Timestamps count up by a second from CHURNGUARD_START (epoch seconds, default 1795939200).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("CHURNGUARD_KEY")
local start = tonumber(os.getenv("CHURNGUARD_START") or "") or 1795939200
local counter = 0
request = function()
    counter = counter + 1
    local body = string.format('{"points":[{"metric_name":"logins","timestamp":%d,"value":%d,"tags":{"customer_id":"c-%d"}}]}',
        start + counter, counter % 50, counter % 500)
    return wrk.format(nil, nil, nil, body)
end
