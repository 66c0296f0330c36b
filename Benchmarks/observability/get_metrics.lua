-- wrk script: authenticated GET of the organization's metric list.
wrk.method = "GET"
wrk.headers["X-API-Key"] = os.getenv("CHURNGUARD_KEY")
