-- beamline database, version 2: read-only views for people at `sqlite3
-- results.db` (docs/sql.md shows the queries) and for `beamline report`.
-- Views only, and one index: nothing here stores data, so every number
-- follows the tables.
--
-- Intervals: wilson_low/wilson_high are the 95% Wilson score interval,
--   (k + z^2/2 -+ z sqrt(k (n - k) / n + z^2 / 4)) / (n + z^2), z = 1.959963984540054,
-- clamped to [0, 1] and exact at k = 0 and k = n (the same numbers as
-- common/stats wilson_interval). sqrt() needs SQLite's math functions,
-- which Debian's libsqlite3 and sqlite3 shell are built with
-- (SQLITE_ENABLE_MATH_FUNCTIONS); `beamline report` computes the intervals
-- itself at any confidence and with Clopper-Pearson as well.
-- Plain SQL has no user functions, so the expression is repeated in each
-- _rates view; a change to one must be made to all (tests/coordinator/report
-- checks every view against common/stats).

-- Throughput over time for /metrics and the dashboard (results per second
-- by recorded_ms) without scanning every trial; recorded_ms only grows, so
-- inserts append to this index.
CREATE INDEX trial_by_recorded ON trial (recorded_ms);

-- Per cell, from the counters the store keeps with every trial insert.
CREATE VIEW cell_rates AS
SELECT c.id AS cell_id, c.key, c.site_key, c.kind, c.model, c.dataset, c.fault_model, c.targets, c.selection,
       c.rate, c.protection, c.planned_trials AS planned, c.state,
       c.done_trials AS n,
       c.done_trials - c.sdc_trials - c.due_trials AS masked,
       c.sdc_trials AS sdc,
       c.due_trials AS due,
       CASE WHEN c.done_trials = 0 THEN NULL ELSE c.sdc_trials * 1.0 / c.done_trials END AS sdc_rate,
       CASE WHEN c.done_trials = 0 THEN NULL WHEN c.sdc_trials = 0 THEN 0.0
            ELSE max(0.0, (c.sdc_trials + 1.9207294103470627
                 - 1.959963984540054 * sqrt(c.sdc_trials * 1.0 * (c.done_trials - c.sdc_trials) / c.done_trials
                                            + 0.9603647051735313)) / (c.done_trials + 3.8414588206941254)) END
         AS wilson_low,
       CASE WHEN c.done_trials = 0 THEN NULL WHEN c.sdc_trials = c.done_trials THEN 1.0
            ELSE min(1.0, (c.sdc_trials + 1.9207294103470627
                 + 1.959963984540054 * sqrt(c.sdc_trials * 1.0 * (c.done_trials - c.sdc_trials) / c.done_trials
                                            + 0.9603647051735313)) / (c.done_trials + 3.8414588206941254)) END
         AS wilson_high,
       CASE WHEN c.done_trials = 0 THEN NULL ELSE c.due_trials * 1.0 / c.done_trials END AS due_rate
FROM cell c;

-- The fields of a transient trial's site text
-- (step=S,block=B,layer=NAME,index=I,bits=A[+B]; common/sites). bit_first
-- and bit_second are the flipped bit positions (bit_second NULL for one bit).
CREATE VIEW transient_trial AS
SELECT t.cell_id, t.trial_index, t.input_index, t.outcome, t.site, t.corrections, t.first_divergence_step,
       t.duration_seconds,
       CAST(substr(t.site, instr(t.site, 'step=') + 5,
                   instr(substr(t.site, instr(t.site, 'step=') + 5) || ',', ',') - 1) AS INTEGER) AS step,
       CAST(substr(t.site, instr(t.site, 'block=') + 6,
                   instr(substr(t.site, instr(t.site, 'block=') + 6) || ',', ',') - 1) AS INTEGER) AS block,
       substr(t.site, instr(t.site, 'layer=') + 6,
              instr(substr(t.site, instr(t.site, 'layer=') + 6) || ',', ',') - 1) AS layer,
       substr(t.site, instr(t.site, 'bits=') + 5,
              instr(substr(t.site, instr(t.site, 'bits=') + 5) || ',', ',') - 1) AS bits
FROM trial t JOIN cell c ON c.id = t.cell_id
WHERE c.kind = 'transient' AND instr(t.site, 'step=') = 1;

CREATE VIEW transient_trial_bits AS
SELECT cell_id, trial_index, outcome, CAST(bits AS INTEGER) AS bit
FROM transient_trial
UNION ALL
SELECT cell_id, trial_index, outcome, CAST(substr(bits, instr(bits, '+') + 1) AS INTEGER) AS bit
FROM transient_trial WHERE instr(bits, '+') > 0;

-- Counts per (cell, group); the _rates views below add the interval.
CREATE VIEW layer_counts AS
SELECT cell_id, layer, count(*) AS n, sum(outcome = 'sdc') AS sdc, sum(outcome = 'due') AS due
FROM transient_trial GROUP BY cell_id, layer;

CREATE VIEW block_counts AS
SELECT cell_id, block, layer, count(*) AS n, sum(outcome = 'sdc') AS sdc, sum(outcome = 'due') AS due
FROM transient_trial GROUP BY cell_id, block, layer;

CREATE VIEW bit_counts AS
SELECT cell_id, bit, count(*) AS n, sum(outcome = 'sdc') AS sdc, sum(outcome = 'due') AS due
FROM transient_trial_bits GROUP BY cell_id, bit;

CREATE VIEW step_counts AS
SELECT cell_id, step, count(*) AS n, sum(outcome = 'sdc') AS sdc, sum(outcome = 'due') AS due
FROM transient_trial GROUP BY cell_id, step;

-- SDC rate of faults that landed in each layer kind, per cell.
CREATE VIEW layer_rates AS
SELECT c.model, c.dataset, c.fault_model, c.targets, c.protection, g.*,
       g.sdc * 1.0 / g.n AS sdc_rate,
       CASE WHEN g.sdc = 0 THEN 0.0 ELSE max(0.0, (g.sdc + 1.9207294103470627
            - 1.959963984540054 * sqrt(g.sdc * 1.0 * (g.n - g.sdc) / g.n + 0.9603647051735313))
            / (g.n + 3.8414588206941254)) END AS wilson_low,
       CASE WHEN g.sdc = g.n THEN 1.0 ELSE min(1.0, (g.sdc + 1.9207294103470627
            + 1.959963984540054 * sqrt(g.sdc * 1.0 * (g.n - g.sdc) / g.n + 0.9603647051735313))
            / (g.n + 3.8414588206941254)) END AS wilson_high
FROM layer_counts g JOIN cell c ON c.id = g.cell_id;

-- Per block and layer kind, per cell.
CREATE VIEW block_rates AS
SELECT c.model, c.dataset, c.fault_model, c.targets, c.protection, g.*,
       g.sdc * 1.0 / g.n AS sdc_rate,
       CASE WHEN g.sdc = 0 THEN 0.0 ELSE max(0.0, (g.sdc + 1.9207294103470627
            - 1.959963984540054 * sqrt(g.sdc * 1.0 * (g.n - g.sdc) / g.n + 0.9603647051735313))
            / (g.n + 3.8414588206941254)) END AS wilson_low,
       CASE WHEN g.sdc = g.n THEN 1.0 ELSE min(1.0, (g.sdc + 1.9207294103470627
            + 1.959963984540054 * sqrt(g.sdc * 1.0 * (g.n - g.sdc) / g.n + 0.9603647051735313))
            / (g.n + 3.8414588206941254)) END AS wilson_high
FROM block_counts g JOIN cell c ON c.id = g.cell_id;

-- Per flipped bit position (a double-bit trial counts once for each bit).
CREATE VIEW bit_rates AS
SELECT c.model, c.dataset, c.fault_model, c.targets, c.protection, g.*,
       g.sdc * 1.0 / g.n AS sdc_rate,
       CASE WHEN g.sdc = 0 THEN 0.0 ELSE max(0.0, (g.sdc + 1.9207294103470627
            - 1.959963984540054 * sqrt(g.sdc * 1.0 * (g.n - g.sdc) / g.n + 0.9603647051735313))
            / (g.n + 3.8414588206941254)) END AS wilson_low,
       CASE WHEN g.sdc = g.n THEN 1.0 ELSE min(1.0, (g.sdc + 1.9207294103470627
            + 1.959963984540054 * sqrt(g.sdc * 1.0 * (g.n - g.sdc) / g.n + 0.9603647051735313))
            / (g.n + 3.8414588206941254)) END AS wilson_high
FROM bit_counts g JOIN cell c ON c.id = g.cell_id;

-- Per generation step (0: the prefill that yields the first token).
CREATE VIEW step_rates AS
SELECT c.model, c.dataset, c.fault_model, c.targets, c.protection, g.*,
       g.sdc * 1.0 / g.n AS sdc_rate,
       CASE WHEN g.sdc = 0 THEN 0.0 ELSE max(0.0, (g.sdc + 1.9207294103470627
            - 1.959963984540054 * sqrt(g.sdc * 1.0 * (g.n - g.sdc) / g.n + 0.9603647051735313))
            / (g.n + 3.8414588206941254)) END AS wilson_low,
       CASE WHEN g.sdc = g.n THEN 1.0 ELSE min(1.0, (g.sdc + 1.9207294103470627
            + 1.959963984540054 * sqrt(g.sdc * 1.0 * (g.n - g.sdc) / g.n + 0.9603647051735313))
            / (g.n + 3.8414588206941254)) END AS wilson_high
FROM step_counts g JOIN cell c ON c.id = g.cell_id;

-- A protected cell against the `none` cell of the same site key, trial by
-- trial (same trial index = same fault site). only_none_sdc and
-- only_protected_sdc are McNemar's discordant pairs (beamline report gives
-- the exact p-value); sdc_reduction = 1 - sdc_protected / sdc_none.
CREATE VIEW protection_comparison AS
SELECT p.id AS cell_id, p.key, p.site_key, p.kind, p.model, p.dataset, p.fault_model, p.targets, p.selection,
       p.rate, p.protection, u.id AS none_cell_id,
       count(*) AS pairs,
       sum(tu.outcome = 'sdc') AS sdc_none,
       sum(tp.outcome = 'sdc') AS sdc_protected,
       sum(tu.outcome = 'sdc' AND tp.outcome <> 'sdc') AS only_none_sdc,
       sum(tp.outcome = 'sdc' AND tu.outcome <> 'sdc') AS only_protected_sdc,
       CASE WHEN sum(tu.outcome = 'sdc') = 0 THEN NULL
            ELSE 1.0 - sum(tp.outcome = 'sdc') * 1.0 / sum(tu.outcome = 'sdc') END AS sdc_reduction
FROM cell p
JOIN cell u ON u.site_key = p.site_key AND u.protection = 'none' AND u.id <> p.id
JOIN trial tp ON tp.cell_id = p.id
JOIN trial tu ON tu.cell_id = u.id AND tu.trial_index = tp.trial_index
WHERE p.protection <> 'none'
GROUP BY p.id, u.id;

-- Layer criticality (the FT2 study's view: the SDC rate when one layer kind
-- is left unprotected), from the paired design: for a protected cell and
-- the `none` cell of its site key, every trial whose fault landed in
-- `unprotected_layer` takes the unprotected outcome and every other trial
-- the protected one. With one fault per inference this is the campaign
-- "protect every layer the protection guards except this kind", assuming a
-- protection acts where its layer's value is corrected.
CREATE VIEW layer_criticality AS
WITH pairs AS (
  SELECT p.cell_id, p.layer, p.outcome = 'sdc' AS sdc_protected, u.outcome = 'sdc' AS sdc_none
  FROM transient_trial p
  JOIN cell cp ON cp.id = p.cell_id AND cp.protection <> 'none'
  JOIN cell cu ON cu.site_key = cp.site_key AND cu.protection = 'none' AND cu.id <> cp.id
  JOIN trial u ON u.cell_id = cu.id AND u.trial_index = p.trial_index),
layers AS (SELECT DISTINCT cell_id, layer FROM pairs)
SELECT c.model, c.dataset, c.fault_model, c.targets, c.protection, l.cell_id, l.layer AS unprotected_layer,
       count(*) AS n,
       sum(CASE WHEN p.layer = l.layer THEN p.sdc_none ELSE p.sdc_protected END) AS sdc,
       sum(p.sdc_protected) AS sdc_all_protected
FROM layers l JOIN pairs p ON p.cell_id = l.cell_id JOIN cell c ON c.id = l.cell_id
GROUP BY l.cell_id, l.layer;

-- Fault-free runs of each protection on the same inputs as `none`:
-- overhead = mean protected duration / mean unprotected duration - 1.
CREATE VIEW protection_overhead AS
SELECT i.model, i.dataset, g.protection, count(*) AS inputs,
       avg(b.duration_seconds) AS none_seconds,
       avg(g.duration_seconds) AS protected_seconds,
       avg(g.duration_seconds) / avg(b.duration_seconds) - 1.0 AS overhead
FROM golden g
JOIN golden b ON b.input_id = g.input_id AND b.protection = 'none'
JOIN input i ON i.id = g.input_id
WHERE g.protection <> 'none' AND g.duration_seconds IS NOT NULL AND b.duration_seconds > 0
GROUP BY i.model, i.dataset, g.protection;

-- Weight-fault cells: accuracy over the trials (each trial one corrupted
-- model evaluated on the whole set). acc_low/acc_high: mean -+ 1.96 s / sqrt(n),
-- the normal approximation (beamline report uses Student's t, wider for few
-- trials). nan_trials: trials with any non-finite output.
CREATE VIEW weight_accuracy AS
SELECT c.id AS cell_id, c.key, c.model, c.dataset, c.fault_model, c.selection, c.rate, c.protection,
       count(t.trial_index) AS n,
       avg(t.accuracy) AS accuracy,
       CASE WHEN count(t.accuracy) > 1
            THEN sqrt(max(0.0, (sum(t.accuracy * t.accuracy) - count(t.accuracy) * avg(t.accuracy) * avg(t.accuracy))
                               / (count(t.accuracy) - 1))) END AS accuracy_sd,
       avg(t.fault_count) AS mean_fault_count,
       sum(t.non_finite > 0) AS nan_trials,
       sum(t.non_finite) AS non_finite_outputs
FROM cell c LEFT JOIN trial t ON t.cell_id = c.id
WHERE c.kind = 'weight'
GROUP BY c.id;

CREATE VIEW weight_accuracy_rates AS
SELECT w.*,
       max(0.0, w.accuracy - 1.959963984540054 * w.accuracy_sd / sqrt(w.n)) AS acc_low,
       min(1.0, w.accuracy + 1.959963984540054 * w.accuracy_sd / sqrt(w.n)) AS acc_high
FROM weight_accuracy w;
