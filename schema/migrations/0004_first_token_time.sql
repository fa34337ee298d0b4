-- beamline database, version 4: the first token's share of fault-free
-- generation time, per model x dataset x protection, from the golden runs'
-- first_token_seconds (version 3) -- what the FT2 study's Figure 10 shows.
-- A transient fault strikes at a uniformly random moment, so this share is
-- the chance that a fault in an inference lands while its first token is
-- produced. step_counts gives the other proxy (the share of fault sites at
-- step 0, i.e. of the computation); the two differ when a step's time is
-- not proportional to its work.
--
-- Golden runs without a first-token time (NULL: stored before version 3;
-- 0: sent by a worker that did not measure it) or without a duration are
-- left out; `runs` says how many were counted.
-- even_share = runs / sum(steps): the share if every step took the same
-- time, for comparison (the prefill usually takes longer than one step).
CREATE VIEW first_token_time AS
SELECT i.model, i.dataset, g.protection,
       count(*) AS runs,
       avg(g.steps) AS mean_steps,
       sum(g.first_token_seconds) AS first_token_seconds,
       sum(g.duration_seconds) AS seconds,
       sum(g.first_token_seconds) / sum(g.duration_seconds) AS first_token_share,
       min(g.first_token_seconds / g.duration_seconds) AS min_run_share,
       max(g.first_token_seconds / g.duration_seconds) AS max_run_share,
       CASE WHEN sum(g.steps) > 0 THEN count(*) * 1.0 / sum(g.steps) END AS even_share
FROM golden g JOIN input i ON i.id = g.input_id
WHERE g.first_token_seconds > 0 AND g.duration_seconds > 0
GROUP BY i.model, i.dataset, g.protection;
