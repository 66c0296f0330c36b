-- wrk script: every request posts one point, like many small clients would.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-API-Key"] = os.getenv("CHURNGUARD_KEY")
local counter = 0
request = function()
    counter = counter + 1
    local body = string.format('{"points":[{"metric_name":"logins","timestamp":%d,"value":%d,"tags":{"customer_id":"c-%d"}}]}',
        1795939200 + counter, counter % 50, counter % 500)
    return wrk.format(nil, nil, nil, body)
end
