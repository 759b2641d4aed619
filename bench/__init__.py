"""``make bench``: scale data, the real server, wrk, and every hot path measured against the ceilings."""
