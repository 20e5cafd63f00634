import { parseObis } from '@openams/dlms';
import type { Obis } from '@openams/dlms';
import type { EventLogName, EventRecord, MeterState } from './state.ts';

/**
 * Event codes as IDIS / DSMR meters log them. Sources: the DSMR P3 companion standard's event
 * tables (Netbeheer Nederland), whose codes 1–49 IDIS package 2 shares, and OSGP's
 * `DlmsEventType` (Apache-2.0), which maps the same numbers for the meters it reads. Aidon,
 * Kaifa and Kamstrup meters in Norway are IDIS meters and log these codes in these logs.
 */
export const EVENT_CODES = Object.freeze({
  // Standard event log (0-0:99.98.0.255) and power failure log (0-0:99.97.0.255)
  powerDown: 1,
  powerUp: 2,
  /** Daylight saving switched on or off (Clock attribute 8). */
  daylightSavingChanged: 3,
  /** Logged with the old time, before the clock is set. */
  clockAdjustedOldTime: 4,
  /** Logged with the new time, after the clock is set. */
  clockAdjustedNewTime: 5,
  clockInvalid: 6,
  firmwareReadyForActivation: 17,
  firmwareActivated: 18,
  // Fraud detection log (0-0:99.98.1.255)
  terminalCoverRemoved: 40,
  terminalCoverClosed: 41,
  strongDcFieldDetected: 42,
  noStrongDcFieldAnymore: 43,
  meterCoverRemoved: 44,
  meterCoverClosed: 45,
  /** Association authentication failure (a wrong key, a failed HLS pass 3, a replayed counter). */
  failedLoginAttempt: 46,
  // Disconnector control log (0-0:99.98.2.255)
  manualDisconnection: 60,
  manualConnection: 61,
  remoteDisconnection: 62,
  remoteConnection: 63,
  localDisconnection: 64,
  limiterThresholdExceeded: 65,
  limiterThresholdOk: 66,
  limiterThresholdChanged: 67,
  /** Local reconnection (transition h, control modes 5 and 6). DSMR 5's number; not confirmed from a primary source. */
  localReconnection: 69,
} as const);

/** An event code of `EVENT_CODES`, or another number the fault layer logs. */
export type EventCode = number;

/** One event log object: Profile generic (class 7) with {clock, event code} entries. */
export interface EventLogDefinition {
  readonly name: EventLogName;
  readonly obis: Obis;
  /** The Data object (class 1) holding the last event code: the second capture object. */
  readonly codeObject: Obis;
  /** profile_entries as a real meter declares it; the simulator keeps only the newest `EVENT_TAIL`. */
  readonly profileEntries: number;
}

/** The four event logs (IDIS package 2 object list; Norwegian meters have the same four). */
export const EVENT_LOGS: Readonly<Record<EventLogName, EventLogDefinition>> = Object.freeze({
  standard: { name: 'standard', obis: parseObis('0-0:99.98.0.255'), codeObject: parseObis('0-0:96.11.0.255'), profileEntries: 100 },
  fraud: { name: 'fraud', obis: parseObis('0-0:99.98.1.255'), codeObject: parseObis('0-0:96.11.1.255'), profileEntries: 30 },
  disconnect: { name: 'disconnect', obis: parseObis('0-0:99.98.2.255'), codeObject: parseObis('0-0:96.11.2.255'), profileEntries: 30 },
  // Power down / up are standard events (codes 1, 2); IDIS keeps them apart in this log.
  powerFailure: { name: 'powerFailure', obis: parseObis('0-0:99.97.0.255'), codeObject: parseObis('0-0:96.11.0.255'), profileEntries: 30 },
});

/** How many events of each log the simulator keeps (the newest). */
export const EVENT_TAIL = 24;

/** Append an event stamped with the meter's time `atMeterMs`; the oldest of that log goes beyond `EVENT_TAIL`. */
export function appendEvent(state: MeterState, log: EventLogName, code: EventCode, atMeterMs: number): void {
  const events = (state.events ??= []);
  events.push({ log, at: atMeterMs, code });
  let count = 0;
  for (const e of events) if (e.log === log) count++;
  if (count > EVENT_TAIL) {
    const oldest = events.findIndex((e) => e.log === log);
    events.splice(oldest, 1);
  }
}

/** The events of one log, oldest first. */
export function eventsOf(state: MeterState, log: EventLogName): EventRecord[] {
  return state.events?.filter((e) => e.log === log) ?? [];
}

/** Spans of meter time without power, from the power failure log: [down, up) pairs; an open one ends at `untilMs`. */
export function powerOutages(state: MeterState, untilMs: number): (readonly [number, number])[] {
  const out: (readonly [number, number])[] = [];
  let down: number | undefined;
  for (const e of state.events ?? []) {
    if (e.log !== 'powerFailure') continue;
    if (e.code === EVENT_CODES.powerDown) down ??= e.at;
    else if (e.code === EVENT_CODES.powerUp && down !== undefined) {
      out.push([down, e.at]);
      down = undefined;
    }
  }
  if (down !== undefined) out.push([down, untilMs]);
  return out;
}
