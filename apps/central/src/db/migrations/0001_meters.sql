-- Device registry, key vault storage and invocation counters (issue 5, head-end;
-- avregningsforskriften §4-6 a approval, c keys, d firmware inventory).

-- pending: imported, not yet trusted; only approved meters are contacted or accepted (§4-6 a).
-- suspended: taken out of collection by an operator. keys-invalid: two devices used its keys
-- (§4-6 e, B.9.2): never used again. retired: removed from its metering point (replaced).
CREATE TYPE meter_state AS ENUM ('pending', 'approved', 'suspended', 'keys-invalid', 'retired');

CREATE TABLE meters (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- DLMS system title: 3 bytes manufacturer id + 5 bytes device number (Green Book 4.3.4, as packages/dlms checks it).
  system_title      bytea NOT NULL,
  serial_number     text NOT NULL,
  vendor            text NOT NULL,
  model             text,
  -- GSRN as a number: 8 bytes instead of 19 in every row and index entry; the app reads it back as
  -- an 18-digit string (int8 is returned as text). NULL while the meter is not installed.
  metering_point_id bigint,
  state             meter_state NOT NULL DEFAULT 'pending',
  state_reason      text,
  state_changed_at  timestamptz NOT NULL DEFAULT now(),
  firmware_version  text,
  installed_at      timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT meters_system_title_length CHECK (octet_length(system_title) = 8),
  CONSTRAINT meters_metering_point_id_gsrn CHECK (metering_point_id BETWEEN 100000000000000000 AND 999999999999999999),
  -- A system title identifies one device for ever (also after retirement): an unknown or reused
  -- title connecting is a security event, never a second row.
  CONSTRAINT meters_system_title_key UNIQUE (system_title),
  CONSTRAINT meters_vendor_serial_key UNIQUE (vendor, serial_number)
);

-- One live meter per metering point; a replaced meter is retired first. Also the lookup from a
-- metering point to its meter.
CREATE UNIQUE INDEX meters_metering_point_live_key ON meters (metering_point_id) WHERE state <> 'retired';
-- The console's work lists (pending approval, suspended, keys-invalid) are small; the approved
-- majority stays out of this index.
CREATE INDEX meters_state_attention_idx ON meters (state, state_changed_at) WHERE state <> 'approved';

-- Inventory of earlier firmware (§4-6 d, B.8): one row per version a meter has run.
CREATE TABLE meter_firmware_history (
  meter_id         bigint NOT NULL REFERENCES meters (id),
  firmware_version text NOT NULL,
  active_from      timestamptz NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  -- Also serves the foreign key and "firmware history of meter X" in time order.
  PRIMARY KEY (meter_id, active_from)
);

-- EK: global unicast encryption key, AK: authentication key, MK: master key (KEK used to
-- transport new keys to the meter, RFC 3394 wrap: Green Book 9.2.3.3.8).
CREATE TYPE meter_key_kind AS ENUM ('EK', 'AK', 'MK');
-- NEW: stored, not yet in use (rotation in progress); ACTIVE: in use; EXPIRED: replaced, kept so
-- that fingerprints of old keys still block their reuse.
CREATE TYPE meter_key_state AS ENUM ('NEW', 'ACTIVE', 'EXPIRED');

-- Wrapped key material only; the plaintext never reaches the database.
CREATE TABLE meter_keys (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  meter_id        bigint NOT NULL REFERENCES meters (id),
  kind            meter_key_kind NOT NULL,
  version         integer NOT NULL,
  state           meter_key_state NOT NULL DEFAULT 'NEW',
  -- The vault's envelope: the key under AES-256-GCM with a data key, the data key wrapped by
  -- the key-encryption key. Opaque here, so an HSM/KMS vault can store its own format.
  ciphertext      bytea NOT NULL,
  -- Which key-encryption key wrapped it; KEK rotation re-wraps the rows with an old id.
  wrapping_key_id text NOT NULL,
  -- A keyed hash (e.g. HMAC-SHA-256 under a vault key) of the plaintext: lets the database
  -- enforce that no two meters, and no two kinds, ever share a key, without holding anything
  -- that reveals the key.
  fingerprint     bytea NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  activated_at    timestamptz,
  expired_at      timestamptz,
  CONSTRAINT meter_keys_version_positive CHECK (version >= 1),
  CONSTRAINT meter_keys_fingerprint_length CHECK (octet_length(fingerprint) >= 16),
  -- Also serves the foreign key on meter_id and "keys of meter X".
  CONSTRAINT meter_keys_meter_kind_version_key UNIQUE (meter_id, kind, version),
  -- Fleet-wide key uniqueness, enforced on import (issue 5, key vault).
  CONSTRAINT meter_keys_fingerprint_key UNIQUE (fingerprint)
);

-- At most one key of each kind in use per meter, and at most one waiting to replace it; these
-- are also the head-end's lookup of the active key.
CREATE UNIQUE INDEX meter_keys_one_active_key ON meter_keys (meter_id, kind) WHERE state = 'ACTIVE';
CREATE UNIQUE INDEX meter_keys_one_new_key ON meter_keys (meter_id, kind) WHERE state = 'NEW';

-- Invocation counters of suite-0 ciphering, per key (a key belongs to one meter). `outgoing` is
-- the highest value reserved for sending, persisted before the APDU goes out; `last_incoming` is
-- the highest value accepted from the meter (an incoming one must be strictly greater).
CREATE TABLE invocation_counters (
  key_id        bigint PRIMARY KEY REFERENCES meter_keys (id),
  outgoing      bigint NOT NULL DEFAULT 0,
  last_incoming bigint,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  -- The counter is 32 bits, the last 4 bytes of the 12-byte GCM IV (Green Book 9.2.3.3.7.2); 2^32-1 means re-key.
  CONSTRAINT invocation_counters_outgoing_range CHECK (outgoing BETWEEN 0 AND 4294967295),
  CONSTRAINT invocation_counters_incoming_range CHECK (last_incoming BETWEEN 0 AND 4294967295)
);

-- Defence in depth for "never reuse or lower a counter" (research/dlms-hes.md): whatever the
-- application does, a counter only goes up, and a counter row is never deleted (re-inserting it
-- would restart at 0).
CREATE FUNCTION invocation_counters_monotonic() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'invocation counters are never deleted (key %)', OLD.key_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'invocation_counters_monotonic';
  END IF;
  IF NEW.key_id <> OLD.key_id
     OR NEW.outgoing < OLD.outgoing
     OR (OLD.last_incoming IS NOT NULL AND (NEW.last_incoming IS NULL OR NEW.last_incoming < OLD.last_incoming)) THEN
    RAISE EXCEPTION 'invocation counters never go down (key %)', OLD.key_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'invocation_counters_monotonic';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER invocation_counters_monotonic
  BEFORE UPDATE OR DELETE ON invocation_counters
  FOR EACH ROW EXECUTE FUNCTION invocation_counters_monotonic();
