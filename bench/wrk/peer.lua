-- The seed reference's own wrk script (PEER_SCRIPT: ../shared/bench/peer-seed-fastapi/checkin.lua or
-- nearby.lua), unchanged, plus this bench's JSON report.
dofile("report.lua")
dofile(os.getenv("PEER_SCRIPT"))
