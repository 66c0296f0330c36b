-- wrk script: every request posts a batch of CHURNGUARD_BATCH points (default 100) of one
-- metric, timestamps counting up by a second from CHURNGUARD_START.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("CHURNGUARD_KEY")
local start = tonumber(os.getenv("CHURNGUARD_START") or "") or 1795939200
local size = tonumber(os.getenv("CHURNGUARD_BATCH") or "") or 100
local counter = 0
request = function()
    local parts = {}
    for i = 1, size do
        counter = counter + 1
        parts[i] = string.format('{"metric_name":"logins","timestamp":%d,"value":%d,"tags":{"customer_id":"c-%d"}}',
            start + counter % 2000000, counter % 50, counter % 500)
    end
    return wrk.format(nil, nil, nil, '{"points":[' .. table.concat(parts, ",") .. ']}')
end
