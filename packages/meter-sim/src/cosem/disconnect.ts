import { CONTROL_MODE_TRANSITIONS, CONTROL_STATE, DISCONNECT_TRANSITIONS, nextControlState, parseObis } from '@openams/dlms';
import type { ControlMode, DataAccessResult, DisconnectTrigger, DlmsData, Obis } from '@openams/dlms';
import { dstEnabled, meterNow } from './clock.ts';
import { actionResult, array, bool, enumeration, i8, logicalName, numberOf, octets, refused, structure, u16, u32, value } from './data.ts';
import type { CosemObjectDef } from './data.ts';
import { EVENT_CODES, appendEvent } from './events.ts';
import { trueNow } from './model.ts';
import type { CosemMeter } from './model.ts';
import { POWER_OBIS } from './obis.ts';
import type { LimiterState } from './state.ts';
import { powerAt, updateSupply } from './supply.ts';
import { instantFromDateTime, meterDateTime } from './time.ts';

/** Disconnect control (IDIS 0-0:96.3.10.255). */
export const DISCONNECT_CONTROL_OBIS = parseObis('0-0:96.3.10.255');
/** Limiter (IDIS 0-0:17.0.0.255). */
export const LIMITER_OBIS = parseObis('0-0:17.0.0.255');
/** The disconnector script table the limiter's actions name (IDIS: script 1 disconnect, 2 reconnect). */
const DISCONNECTOR_SCRIPT_TABLE = parseObis('0-0:10.0.106.255');
/** What the limiter watches: active import power. */
const MONITORED_VALUE = POWER_OBIS[0] as Obis;

/** The disconnector log event code of each transition trigger. */
const TRIGGER_EVENT: Readonly<Record<DisconnectTrigger, number>> = {
  remote_disconnect: EVENT_CODES.remoteDisconnection,
  remote_reconnect: EVENT_CODES.remoteConnection,
  manual_disconnect: EVENT_CODES.manualDisconnection,
  manual_reconnect: EVENT_CODES.manualConnection,
  local_disconnect: EVENT_CODES.localDisconnection,
  local_reconnect: EVENT_CODES.localReconnection,
};

/** What a trigger did: moved the state, found it already there, or is not allowed in this control mode. */
export type DisconnectOutcome = 'changed' | 'unchanged' | 'not-allowed';

/**
 * Apply a disconnect-control trigger following the Blue Book state machine
 * (`nextControlState`, `CONTROL_MODE_TRANSITIONS`). A trigger the mode never allows is
 * `not-allowed`; one the mode allows but not from the current state (remote_disconnect when
 * already disconnected) leaves the state and is `unchanged`. Each change is logged in the
 * disconnector control log and opens or closes a supply gap (no energy while the breaker is open).
 */
export function disconnectTrigger(m: CosemMeter, trigger: DisconnectTrigger): DisconnectOutcome {
  const mode = m.state.controlMode;
  const next = nextControlState(mode, m.state.controlState, trigger);
  if (next === undefined) return CONTROL_MODE_TRANSITIONS[mode].some((id) => DISCONNECT_TRANSITIONS[id].trigger === trigger) ? 'unchanged' : 'not-allowed';
  m.state.controlState = next;
  appendEvent(m.state, 'disconnect', TRIGGER_EVENT[trigger], meterNow(m));
  updateSupply(m, trueNow(m));
  return 'changed';
}

/**
 * Disconnect control (Blue Book "Disconnect control (class_id = 70, version = 0)"): output_state
 * (TRUE when connected), control_state, control_mode (writable, 0–6); methods remote_disconnect
 * (1) and remote_reconnect (2) with the parameter integer 0. A method the control mode does not
 * allow answers `read-write-denied`; in modes 1, 3, 5 and 6 remote_reconnect only arms the breaker
 * (ready for reconnection) and the customer closes it (`pressDisconnectButton`).
 */
export const disconnectControlObject: CosemObjectDef = {
  classId: 70,
  version: 0,
  obis: DISCONNECT_CONTROL_OBIS,
  attributes: ['read', 'read', 'read', 'read-write'],
  methods: 2,
  get(m, attributeId) {
    switch (attributeId) {
      case 2:
        return value(bool(m.state.controlState === CONTROL_STATE.connected));
      case 3:
        return value(enumeration(m.state.controlState));
      case 4:
        return value(enumeration(m.state.controlMode));
      default:
        return refused('object-undefined');
    }
  },
  set(m, attributeId, data): DataAccessResult {
    if (attributeId !== 4) return 'read-write-denied';
    if (data.type !== 'enum') return 'type-unmatched';
    if (data.value > 6) return 'other-reason';
    m.state.controlMode = data.value as ControlMode;
    if (data.value === 0 && m.state.controlState !== CONTROL_STATE.connected) {
      // Mode 0: "the disconnect control object is always in connected state".
      m.state.controlState = CONTROL_STATE.connected;
      updateSupply(m, trueNow(m));
    }
    return 'success';
  },
  action(m, methodId) {
    const outcome = disconnectTrigger(m, methodId === 1 ? 'remote_disconnect' : 'remote_reconnect');
    return actionResult(outcome === 'not-allowed' ? 'read-write-denied' : 'success');
  },
};

/** The customer presses the meter's button: reconnect when ready for reconnection, else disconnect (if the mode allows). */
export function pressDisconnectButton(m: CosemMeter): DisconnectOutcome {
  return disconnectTrigger(m, m.state.controlState === CONTROL_STATE.readyForReconnection ? 'manual_reconnect' : 'manual_disconnect');
}

// ---------------------------------------------------------------------------------------------
// Limiter

/** The limiter as delivered: disabled (threshold 0; domain.md §3 f, unused functions are off). */
function newLimiter(): LimiterState {
  return {
    thresholdNormal: 0,
    thresholdEmergency: 0,
    minOverS: 60,
    minUnderS: 60,
    emergencyId: 0,
    emergencyFromMs: 0,
    emergencyDurationS: 0,
    emergencyGroups: [],
    overSince: undefined,
    underSince: undefined,
    tripped: false,
  };
}

function emergencyActive(l: LimiterState, meterMs: number): boolean {
  return l.emergencyGroups.includes(l.emergencyId) && meterMs >= l.emergencyFromMs && meterMs < l.emergencyFromMs + l.emergencyDurationS * 1000;
}

/** threshold_active: the emergency threshold while an emergency profile of our group runs, else the normal one. */
export function activeThreshold(l: LimiterState, meterMs: number): number {
  return emergencyActive(l, meterMs) ? l.thresholdEmergency : l.thresholdNormal;
}

/** Configure the limiter directly (the fleet's defaults, tests); what is left out keeps its value. */
export function configureLimiter(m: CosemMeter, settings: Partial<Pick<LimiterState, 'thresholdNormal' | 'thresholdEmergency' | 'minOverS' | 'minUnderS'>>): void {
  Object.assign((m.state.limiter ??= newLimiter()), settings);
}

/**
 * Evaluate the limiter at the current simulated time (the fleet calls it from `tick`). The
 * monitored value is the active import power (1-0:1.7.0.255) as measured; when it stays above
 * threshold_active for min_over_threshold_duration the over-threshold action runs (local
 * disconnect: transition g, events 65 and 64); when it has stayed under it for
 * min_under_threshold_duration the under-threshold action runs (event 66 and, in modes 5 and 6,
 * local reconnect h). Evaluation happens only at ticks, so durations resolve to the tick step.
 */
export function evaluateLimiter(m: CosemMeter): void {
  const l = m.state.limiter;
  if (l === undefined) return;
  const now = trueNow(m);
  const threshold = activeThreshold(l, meterNow(m));
  if (threshold <= 0) {
    l.overSince = l.underSince = undefined;
    return;
  }
  const power = powerAt(m, now)[0];
  if (power > threshold) {
    l.underSince = undefined;
    l.overSince ??= now;
    if (!l.tripped && now - l.overSince >= l.minOverS * 1000) {
      l.tripped = true;
      appendEvent(m.state, 'disconnect', EVENT_CODES.limiterThresholdExceeded, meterNow(m));
      disconnectTrigger(m, 'local_disconnect');
    }
  } else {
    l.overSince = undefined;
    l.underSince ??= now;
    if (l.tripped && now - l.underSince >= l.minUnderS * 1000) {
      l.tripped = false;
      appendEvent(m.state, 'disconnect', EVENT_CODES.limiterThresholdOk, meterNow(m));
      disconnectTrigger(m, 'local_reconnect');
    }
  }
}

function actionItem(selector: number): DlmsData {
  return structure(logicalName(DISCONNECTOR_SCRIPT_TABLE), u16(selector));
}

/**
 * Limiter (Blue Book "Limiter (class_id = 71, version = 0)"): monitored_value (fixed: active
 * import power), thresholds in W, durations in s, the emergency profile and its group list are
 * writable; threshold_active, emergency_profile_active and actions (disconnector script table,
 * scripts 1 and 2) are read-only. A change of threshold_normal is logged (event 67).
 */
export const limiterObject: CosemObjectDef = {
  classId: 71,
  version: 0,
  obis: LIMITER_OBIS,
  attributes: ['read', 'read', 'read', 'read-write', 'read-write', 'read-write', 'read-write', 'read-write', 'read-write', 'read', 'read'],
  methods: 0,
  get(m, attributeId) {
    const l = m.state.limiter ?? newLimiter();
    const now = meterNow(m);
    switch (attributeId) {
      case 2:
        return value(structure(u16(3), logicalName(MONITORED_VALUE), i8(2)));
      case 3:
        return value(u32(activeThreshold(l, now)));
      case 4:
        return value(u32(l.thresholdNormal));
      case 5:
        return value(u32(l.thresholdEmergency));
      case 6:
        return value(u32(l.minOverS));
      case 7:
        return value(u32(l.minUnderS));
      case 8:
        return value(structure(u16(l.emergencyId), octets(meterDateTime(l.emergencyFromMs, dstEnabled(m))), u32(l.emergencyDurationS)));
      case 9:
        return value(array(l.emergencyGroups.map(u16)));
      case 10:
        return value(bool(emergencyActive(l, now)));
      case 11:
        return value(structure(actionItem(1), actionItem(2)));
      default:
        return refused('object-undefined');
    }
  },
  set(m, attributeId, data): DataAccessResult {
    const l = (m.state.limiter ??= newLimiter());
    if (attributeId >= 4 && attributeId <= 7) {
      const v = data.type === 'double-long-unsigned' ? numberOf(data) : undefined;
      if (v === undefined) return 'type-unmatched';
      if (attributeId === 4) {
        if (v !== l.thresholdNormal) appendEvent(m.state, 'disconnect', EVENT_CODES.limiterThresholdChanged, meterNow(m));
        l.thresholdNormal = v;
      } else if (attributeId === 5) l.thresholdEmergency = v;
      else if (attributeId === 6) l.minOverS = v;
      else l.minUnderS = v;
      return 'success';
    }
    if (attributeId === 8) {
      if (data.type !== 'structure' || data.value.length !== 3) return 'type-unmatched';
      const [id, from, duration] = data.value;
      const idValue = id?.type === 'long-unsigned' ? id.value : undefined;
      const fromMs = from === undefined ? undefined : instantFromDateTime(from);
      const durationS = duration?.type === 'double-long-unsigned' ? duration.value : undefined;
      if (idValue === undefined || fromMs === undefined || durationS === undefined) return 'type-unmatched';
      l.emergencyId = idValue;
      l.emergencyFromMs = fromMs;
      l.emergencyDurationS = durationS;
      return 'success';
    }
    if (attributeId === 9) {
      if (data.type !== 'array' || data.value.some((d) => d.type !== 'long-unsigned')) return 'type-unmatched';
      l.emergencyGroups = data.value.map((d) => numberOf(d) ?? 0);
      return 'success';
    }
    return 'read-write-denied';
  },
};
