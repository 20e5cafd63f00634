-- Collection state of the head-end and completeness of the meter data management (issue 5).

-- One row per meter: how its communication goes. Updated on every collection, so kept out of
-- `meters` (whose changes are configuration and audited).
CREATE TABLE meter_status (
  meter_id             bigint PRIMARY KEY REFERENCES meters (id),
  last_contact_at      timestamptz,   -- last association that authenticated
  last_success_at      timestamptz,   -- last collection that completed; NULL: never (the regulator's "never communicates")
  consecutive_failures integer NOT NULL DEFAULT 0,
  last_error           text,
  -- Meter clock minus head-end clock at the last read, for clock-drift checks and VEE clock flags.
  clock_offset_ms      integer,
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Where the next load-profile read starts: per meter, quantity and resolution, every interval
-- that starts before complete_until is stored (measured or estimated). Backfill reads from here.
CREATE TABLE meter_progress (
  meter_id       bigint NOT NULL REFERENCES meters (id),
  quantity       quantity_kind NOT NULL,
  resolution     reading_resolution NOT NULL,
  complete_until timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (meter_id, quantity, resolution)
);

CREATE TYPE collection_job_kind AS ENUM ('load-profile', 'backfill', 'registers', 'event-log', 'clock');
CREATE TYPE collection_job_state AS ENUM ('queued', 'running', 'succeeded', 'failed');

-- Work for the collectors. Several workers claim due jobs with
-- SELECT … WHERE state = 'queued' AND due_at <= now() ORDER BY due_at FOR UPDATE SKIP LOCKED,
-- and hold a lease (locked_until) so that a crashed worker's job is picked up again.
CREATE TABLE collection_jobs (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  meter_id     bigint NOT NULL REFERENCES meters (id),
  kind         collection_job_kind NOT NULL,
  state        collection_job_state NOT NULL DEFAULT 'queued',
  due_at       timestamptz NOT NULL,
  -- The interval range asked for with selective access, when the job reads a profile.
  range_from   timestamptz,
  range_to     timestamptz,
  attempts     integer NOT NULL DEFAULT 0,
  locked_by    text,
  locked_until timestamptz,
  last_error   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  CONSTRAINT collection_jobs_range_order CHECK (range_from < range_to)
);
-- The claim query: due queued jobs, oldest first. Partial, so finished jobs cost nothing.
CREATE INDEX collection_jobs_queued_due_idx ON collection_jobs (due_at) WHERE state = 'queued';
-- The sweep for expired leases of crashed workers.
CREATE INDEX collection_jobs_running_lease_idx ON collection_jobs (locked_until) WHERE state = 'running';
-- Scheduling a meter's job twice is a no-op (INSERT … ON CONFLICT DO NOTHING) while one is open.
CREATE UNIQUE INDEX collection_jobs_one_open_key ON collection_jobs (meter_id, kind) WHERE state IN ('queued', 'running');
-- A meter's job history in the console; also serves the foreign key.
CREATE INDEX collection_jobs_meter_idx ON collection_jobs (meter_id, created_at);

-- Why values are missing, in the regulator's categories (domain.md §1: signal 50 %, meter 10 %,
-- concentrator 4 %, head-end 8 %, other 28 %); unknown until classified.
CREATE TYPE gap_cause AS ENUM ('signal', 'meter', 'concentrator', 'head-end', 'other', 'unknown');

-- A run of missing intervals of one series: found by collection, estimated by VEE, filled when
-- the real values arrive (stored as corrected versions).
CREATE TABLE reading_gaps (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  metering_point_id bigint NOT NULL,
  meter_id          bigint REFERENCES meters (id),
  quantity          quantity_kind NOT NULL,
  resolution        reading_resolution NOT NULL,
  gap_from          timestamptz NOT NULL,   -- start of the first missing interval
  gap_to            timestamptz NOT NULL,   -- end of the last one (exclusive)
  cause             gap_cause NOT NULL DEFAULT 'unknown',
  detected_at       timestamptz NOT NULL DEFAULT now(),
  estimated_at      timestamptz,
  filled_at         timestamptz,
  CONSTRAINT reading_gaps_order CHECK (gap_from < gap_to)
);
-- When real values arrive: the open gaps of that series they may fill.
CREATE INDEX reading_gaps_open_idx ON reading_gaps (metering_point_id, quantity, resolution, gap_from) WHERE filled_at IS NULL;
-- Completeness per day and cause: gaps overlapping a day (tstzrange && tstzrange), however long.
CREATE INDEX reading_gaps_period_idx ON reading_gaps USING gist (tstzrange(gap_from, gap_to));
CREATE INDEX reading_gaps_meter_idx ON reading_gaps (meter_id) WHERE meter_id IS NOT NULL;

-- Per Oslo day and series, how the latest values split by quality (the regulator's report and
-- the console). Written by the MDM after VEE of the day; counts add up to the day's intervals
-- (92/96/100 or 23/24/25).
CREATE TABLE completeness_daily (
  metering_point_id bigint NOT NULL,
  quantity          quantity_kind NOT NULL,
  resolution        reading_resolution NOT NULL,
  day               date NOT NULL,
  expected          smallint NOT NULL,
  measured          smallint NOT NULL DEFAULT 0,
  estimated         smallint NOT NULL DEFAULT 0,
  corrected         smallint NOT NULL DEFAULT 0,
  missing           smallint NOT NULL DEFAULT 0,
  computed_at       timestamptz NOT NULL DEFAULT now(),
  -- Metering point first as in readings (one point's history; sharding key).
  PRIMARY KEY (metering_point_id, quantity, resolution, day),
  CONSTRAINT completeness_daily_sum CHECK (measured + estimated + corrected + missing = expected)
);
-- The daily report across all metering points.
CREATE INDEX completeness_daily_day_idx ON completeness_daily (day);
