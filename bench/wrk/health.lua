-- GET /api/health: Fieldbeat's floor (Next.js route + one trivial query).
dofile("report.lua")
wrk.method = "GET"
wrk.path = "/api/health"
