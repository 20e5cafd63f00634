-- Meter values (issue 5, storage layer; domain.md §2). Corrections add a version, never
-- overwrite: the history of every interval stays as it was delivered.

-- Enums rather than text: 4 bytes a column in a table that grows by 311 M rows a day at
-- national scale, readable in SQL, and the same labels as @openams/core.
CREATE TYPE quantity_kind AS ENUM ('active-import', 'active-export', 'reactive-import', 'reactive-export');
CREATE TYPE reading_resolution AS ENUM ('PT15M', 'PT60M');
CREATE TYPE reading_quality AS ENUM ('measured', 'estimated', 'corrected', 'missing');
-- collect: read by the head-end; push: sent by the meter (data-notification); vee: estimated or
-- corrected by validation/estimation; manual: an operator's edit; import: bulk load.
CREATE TYPE reading_source AS ENUM ('collect', 'push', 'vee', 'manual', 'import');

-- Columns are ordered 8-byte, 4-byte, 2-byte so that no padding is wasted (~80 bytes a row).
CREATE TABLE readings (
  -- GSRN as a number (8 bytes; read back as an 18-digit string). First in every key, so that
  -- sharding by metering point (Citus) needs no schema change (architecture.md, "Scale path").
  metering_point_id bigint NOT NULL,
  -- Start of the interval, UTC. Partitions are UTC months.
  interval_start    timestamptz NOT NULL,
  -- Energy in the interval in Wh (active) or varh (reactive), exact; NULL only when missing.
  value             bigint,
  received_at       timestamptz NOT NULL DEFAULT now(),
  quantity          quantity_kind NOT NULL,
  resolution        reading_resolution NOT NULL,
  quality           reading_quality NOT NULL,
  source            reading_source NOT NULL,
  -- 1 for the first value of an interval, +1 for each correction.
  version           smallint NOT NULL DEFAULT 1,
  -- The key a redelivered value collides with (idempotent ingestion), and the index for every
  -- read: one metering point's series over a period, newest version found by a backward scan.
  CONSTRAINT readings_pkey PRIMARY KEY (metering_point_id, quantity, resolution, interval_start, version),
  CONSTRAINT readings_version_positive CHECK (version >= 1),
  CONSTRAINT readings_value_iff_not_missing CHECK ((value IS NULL) = (quality = 'missing')),
  -- Intervals start on their grid in UTC (whole hours in Oslo too: its offsets are whole hours).
  CONSTRAINT readings_interval_aligned CHECK (
    extract(epoch FROM interval_start) % (CASE resolution WHEN 'PT15M' THEN 900 ELSE 3600 END) = 0)
) PARTITION BY RANGE (interval_start);

-- Catches what no monthly partition covers (values far in the past or future), so an insert
-- never fails for want of a partition; readings_ensure_partitions moves such rows out.
CREATE TABLE readings_default PARTITION OF readings DEFAULT;

-- BRIN indexes are a few pages per partition and nearly free to maintain; they work because
-- rows arrive roughly in time order. interval_start: scans of one day or hour across all
-- metering points (export of day D, completeness, VEE runs) read only the matching blocks of
-- the month's partition. received_at: "what arrived since the last export" (corrections must
-- reach the datahub without delay, domain.md §2).
CREATE INDEX readings_interval_start_brin ON readings USING brin (interval_start);
CREATE INDEX readings_received_at_brin ON readings USING brin (received_at);

-- The value in force for each interval: its highest version. DISTINCT ON follows the primary
-- key, and conditions on the key columns are pushed into it, so a query for one metering point
-- and period is an index range scan.
CREATE VIEW readings_latest AS
  SELECT DISTINCT ON (metering_point_id, quantity, resolution, interval_start) *
  FROM readings
  ORDER BY metering_point_id, quantity, resolution, interval_start, version DESC;

-- The partitions with their bounds (NULL for the default partition), read from the catalog.
CREATE VIEW readings_partitions AS
  SELECT c.relname::text AS name,
         m.b[1]::timestamptz AS range_from,
         m.b[2]::timestamptz AS range_to,
         pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' AS is_default
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid
  LEFT JOIN LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid), $re$FROM \('([^']+)'\) TO \('([^']+)'\)$re$) AS m(b) ON true
  WHERE i.inhparent = 'readings'::regclass;

-- Creates the monthly partitions (UTC months, named readings_pYYYY_MM) that cover
-- [range_from, range_to) and do not exist yet; returns their names. Rows of such a month that
-- already sit in the default partition are moved into the new partition first (attaching would
-- fail otherwise). Run at start-up and daily, a few months ahead.
CREATE FUNCTION readings_ensure_partitions(range_from timestamptz, range_to timestamptz)
RETURNS SETOF text
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
DECLARE
  nsp   text := (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.oid = 'readings'::regclass);
  m_start timestamp := date_trunc('month', range_from AT TIME ZONE 'UTC');
  lo    timestamptz;
  hi    timestamptz;
  part  text;
BEGIN
  WHILE (m_start AT TIME ZONE 'UTC') < range_to LOOP
    lo := m_start AT TIME ZONE 'UTC';
    hi := (m_start + interval '1 month') AT TIME ZONE 'UTC';
    part := 'readings_p' || to_char(m_start, 'YYYY_MM');
    IF to_regclass(format('%I.%I', nsp, part)) IS NULL THEN
      EXECUTE format('CREATE TABLE %I.%I (LIKE %I.readings INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', nsp, part, nsp);
      EXECUTE format('WITH moved AS (DELETE FROM %I.readings_default WHERE interval_start >= $1 AND interval_start < $2 RETURNING *) '
                     'INSERT INTO %I.%I SELECT * FROM moved', nsp, nsp, part)
        USING lo, hi;
      EXECUTE format('ALTER TABLE %I.readings ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)', nsp, nsp, part, lo, hi);
      RETURN NEXT part;
    END IF;
    m_start := m_start + interval '1 month';
  END LOOP;
END
$$;
