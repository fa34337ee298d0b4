-- beamline database, version 1: a campaign, its cells, work units under
-- leases, workers, events, golden runs and trials (DESIGN.md, issue 6).
-- Applied in one transaction by coordinator/store/migrations.cpp; later
-- versions are new files (0002_...), never edits of this one.
-- Times are milliseconds since the Unix epoch, from the coordinator's clock.

-- The one campaign of this database: the file's text as last accepted.
CREATE TABLE campaign (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  name         TEXT NOT NULL,
  seed         INTEGER NOT NULL,
  source_path  TEXT NOT NULL,
  toml         TEXT NOT NULL,
  toml_hash    TEXT NOT NULL,
  created_ms   INTEGER NOT NULL,
  updated_ms   INTEGER NOT NULL,
  completed_ms INTEGER              -- NULL until every cell's budget is met
);

-- Every campaign text accepted, the first and each that added cells.
CREATE TABLE campaign_revision (
  revision    INTEGER PRIMARY KEY,
  toml        TEXT NOT NULL,
  toml_hash   TEXT NOT NULL,
  applied_ms  INTEGER NOT NULL,
  cells_added INTEGER NOT NULL
);

-- One combination of model x dataset x fault model x target set (or weight
-- selection) x rate x protection. site_key leaves the protection out: cells
-- with the same site_key were tested on the same sites (paired design).
-- done/sdc/due are maintained with every trial insert, in its transaction.
CREATE TABLE cell (
  id              INTEGER PRIMARY KEY,
  key             TEXT NOT NULL UNIQUE,
  site_key        TEXT NOT NULL,
  definition      TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('transient', 'weight')),
  model           TEXT NOT NULL,
  dataset         TEXT NOT NULL,
  fault_model     TEXT NOT NULL,
  sampling        TEXT,                 -- transient
  targets         TEXT,                 -- transient: target set text
  selection       TEXT,                 -- weight: component=..., blocks=..., tensors=...
  rate            REAL,                 -- weight
  protection      TEXT NOT NULL,        -- label: none, ft2:policy=clip_to_bound,scale=2, ...
  protection_kind TEXT NOT NULL,
  planned_trials  INTEGER NOT NULL,     -- the budget, or the cap of a half-width target
  done_trials     INTEGER NOT NULL DEFAULT 0,
  sdc_trials      INTEGER NOT NULL DEFAULT 0,
  due_trials      INTEGER NOT NULL DEFAULT 0,
  state           TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'budget_met'))
);
CREATE INDEX cell_by_site_key ON cell (site_key);

-- The n-th input of a dataset for a model, chosen by the dataset's selection
-- rule (golden_correct depends on the model). source_row is filled in by the
-- worker that applies the rule.
CREATE TABLE input (
  id            INTEGER PRIMARY KEY,
  model         TEXT NOT NULL,
  dataset       TEXT NOT NULL,
  input_index   INTEGER NOT NULL,
  source_row    INTEGER,
  prompt_digest TEXT,
  UNIQUE (model, dataset, input_index)
);

-- The fault-free run of an input under a protection.
CREATE TABLE golden (
  input_id         INTEGER NOT NULL REFERENCES input (id),
  protection       TEXT NOT NULL,
  output_text      TEXT,
  output_tokens    TEXT,
  correct          INTEGER CHECK (correct IN (0, 1)),
  steps            INTEGER,
  duration_seconds REAL,
  worker_id        TEXT,
  recorded_ms      INTEGER,
  PRIMARY KEY (input_id, protection)
);

CREATE TABLE worker (
  id               TEXT PRIMARY KEY,   -- stable across the worker's restarts
  device           TEXT,
  capacity         INTEGER,
  hostname         TEXT,
  pid              INTEGER,
  protocol_version INTEGER,
  build            TEXT,
  first_seen_ms    INTEGER NOT NULL,
  last_seen_ms     INTEGER NOT NULL,
  state            TEXT NOT NULL CHECK (state IN ('alive', 'gone'))
);

-- Trials [trial_begin, trial_end) of one cell on one input (-1: every input,
-- a weight cell). A lease gives it to one worker until lease_deadline_ms;
-- issue_count counts leases (above 1: it was reissued). cancelled: its
-- cell's half-width target was met before it ran.
CREATE TABLE unit (
  id                INTEGER PRIMARY KEY,
  cell_id           INTEGER NOT NULL REFERENCES cell (id),
  input_index       INTEGER NOT NULL,
  trial_begin       INTEGER NOT NULL,
  trial_end         INTEGER NOT NULL CHECK (trial_end > trial_begin),
  state             TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'leased', 'done', 'cancelled')),
  lease_owner       TEXT REFERENCES worker (id),
  lease_deadline_ms INTEGER,
  issue_count       INTEGER NOT NULL DEFAULT 0,
  UNIQUE (cell_id, trial_begin)
);
CREATE INDEX unit_by_state ON unit (state, id);
CREATE INDEX unit_by_owner ON unit (lease_owner) WHERE lease_owner IS NOT NULL;

-- What happened, for people: hellos, goodbyes, expired leases, refusals.
CREATE TABLE event (
  id        INTEGER PRIMARY KEY,
  at_ms     INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  worker_id TEXT,
  unit_id   INTEGER,
  detail    TEXT
);
CREATE INDEX event_by_kind ON event (kind, at_ms);

-- One row per trial, stored once: a resent or late result hits the UNIQUE
-- key and is ignored. Weight-fault trials (issue 5) also fill accuracy,
-- non_finite (outputs with non-finite logits) and fault_count (bits or
-- values corrupted).
CREATE TABLE trial (
  cell_id               INTEGER NOT NULL REFERENCES cell (id),
  trial_index           INTEGER NOT NULL,
  input_index           INTEGER NOT NULL,
  outcome               TEXT NOT NULL
                        CHECK (outcome IN ('masked_identical', 'masked_correct', 'sdc', 'due')),
  site                  TEXT NOT NULL,
  corrections           INTEGER NOT NULL DEFAULT 0,
  first_divergence_step INTEGER,        -- NULL: identical to golden
  duration_seconds      REAL,
  worker_id             TEXT,
  unit_id               INTEGER,
  accuracy              REAL,
  non_finite            INTEGER,
  fault_count           INTEGER,
  recorded_ms           INTEGER NOT NULL,
  UNIQUE (cell_id, trial_index)
);
