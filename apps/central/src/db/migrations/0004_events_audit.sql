-- Meter events, alarms, security events and the audit log (issue 5; avregningsforskriften
-- §4-6 b traceability, e security logging protected from change, B.4 tamper alarms).

-- Refuses UPDATE, DELETE and TRUNCATE on append-only tables. SQLSTATE 42501 (insufficient
-- privilege) is what a revoked privilege gives too, so callers see one code whichever guard
-- fires. A table owner or superuser can still disable the trigger: the audit log's hash chain
-- (computed by the application) is what detects that.
CREATE FUNCTION refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Events read from a meter's event logs (standard, fraud detection, power quality, …).
CREATE TABLE meter_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  meter_id    bigint NOT NULL REFERENCES meters (id),
  -- The profile-generic object of the log, e.g. 0-0:99.98.0.255 (standard event log).
  log_obis    text NOT NULL,
  -- The event code as the meter reports it (vendor- and log-specific).
  code        integer NOT NULL,
  occurred_at timestamptz NOT NULL,   -- meter clock, converted to UTC
  received_at timestamptz NOT NULL DEFAULT now(),
  data        jsonb,
  -- Re-reading an overlapping range of a log is idempotent (ON CONFLICT DO NOTHING); the same
  -- index answers "events of meter X between t1 and t2" and serves the foreign key.
  CONSTRAINT meter_events_dedup_key UNIQUE (meter_id, occurred_at, log_obis, code)
);

CREATE TYPE alarm_severity AS ENUM ('info', 'warning', 'critical');
CREATE TYPE alarm_state AS ENUM ('open', 'acknowledged', 'closed');

-- What an operator must look at: tamper, suspected clone, counters near 2^32, silent meters, …
CREATE TABLE alarms (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  meter_id        bigint REFERENCES meters (id),   -- NULL: about the system, not one meter
  kind            text NOT NULL,                   -- e.g. 'tamper', 'clone-suspected', 'invocation-counter-near-limit'
  severity        alarm_severity NOT NULL,
  state           alarm_state NOT NULL DEFAULT 'open',
  first_raised_at timestamptz NOT NULL DEFAULT now(),
  last_raised_at  timestamptz NOT NULL DEFAULT now(),
  occurrences     integer NOT NULL DEFAULT 1,
  event_id        bigint REFERENCES meter_events (id),
  details         jsonb NOT NULL DEFAULT '{}',
  acknowledged_at timestamptz,
  acknowledged_by text,
  closed_at       timestamptz,
  closed_by       text
);
-- One live alarm per meter and kind: a repeated cause bumps occurrences/last_raised_at
-- (INSERT … ON CONFLICT) instead of flooding the console.
CREATE UNIQUE INDEX alarms_one_live_key ON alarms (coalesce(meter_id, 0), kind) WHERE state <> 'closed';
-- The console's list of live alarms, newest first.
CREATE INDEX alarms_live_idx ON alarms (last_raised_at) WHERE state <> 'closed';
-- A meter's alarm history; also serves the foreign key.
CREATE INDEX alarms_meter_idx ON alarms (meter_id, first_raised_at);
CREATE INDEX alarms_event_idx ON alarms (event_id) WHERE event_id IS NOT NULL;

-- Security-relevant events (§4-6 e, B.9: security logging, protected from change): unknown or
-- unapproved system titles, failed authentication, replayed counters, suspected clones, failed
-- logins. Append-only.
CREATE TABLE security_events (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at             timestamptz NOT NULL DEFAULT now(),
  kind           text NOT NULL,
  severity       alarm_severity NOT NULL,
  meter_id       bigint REFERENCES meters (id),   -- when the event names a known meter
  system_title   bytea,                            -- as presented, also when it names no meter
  remote_address text,
  actor          text,                             -- a user, for events on the user side
  details        jsonb NOT NULL DEFAULT '{}'
);
-- The security log by time (review, export to incident handling).
CREATE INDEX security_events_at_idx ON security_events (at);
-- Per meter, and per presented system title (repeated attempts by an unknown device, clone
-- analysis); partial, since most events have only one of the two.
CREATE INDEX security_events_meter_idx ON security_events (meter_id, at) WHERE meter_id IS NOT NULL;
CREATE INDEX security_events_system_title_idx ON security_events (system_title, at) WHERE system_title IS NOT NULL;

CREATE TRIGGER security_events_append_only BEFORE UPDATE OR DELETE ON security_events
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER security_events_no_truncate BEFORE TRUNCATE ON security_events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON security_events FROM PUBLIC;

-- Every configuration change (§4-6 b, B.6): who, when, what, before and after. Append-only and
-- hash-chained: hash = H(prev_hash ‖ canonical entry), computed by the application (security/),
-- so that `openams audit verify` finds an edited or deleted row.
CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL,    -- set by the application: it is part of the hashed entry
  actor       text NOT NULL,
  action      text NOT NULL,           -- e.g. 'meter.approve', 'key.import', 'schedule.update'
  object_type text NOT NULL,
  object_id   text NOT NULL,
  before      jsonb,
  after       jsonb,
  prev_hash   bytea NOT NULL,          -- the previous entry's hash; 32 zero bytes for the first
  hash        bytea NOT NULL,
  CONSTRAINT audit_log_hash_length CHECK (octet_length(hash) = 32 AND octet_length(prev_hash) = 32),
  CONSTRAINT audit_log_hash_key UNIQUE (hash),
  -- The chain cannot fork: of two writers that read the same head, the second gets a unique
  -- violation and retries on the new head. Also the index for walking the chain.
  CONSTRAINT audit_log_prev_hash_key UNIQUE (prev_hash)
);
-- "History of this meter/user/setting".
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id, at);
-- The log by time.
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
