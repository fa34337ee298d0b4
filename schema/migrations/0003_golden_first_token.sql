-- beamline database, version 3: the golden run's prefill-and-first-token
-- time (GoldenRun.first_token_seconds), so reports can give the first
-- token's share of a fault-free generation next to duration_seconds.
ALTER TABLE golden ADD COLUMN first_token_seconds REAL;
