import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ASSOCIATION_STATUS,
  CLASS_ID,
  CLOCK_BASE,
  CLOCK_STATUS,
  CLOCK_STATUS_NOT_SPECIFIED,
  CONTROL_MODE,
  CONTROL_MODE_TRANSITIONS,
  CONTROL_STATE,
  DISCONNECT_TRANSITIONS,
  IMAGE_TRANSFER_STATUS,
  INTERFACE_CLASSES,
  PUSH_MESSAGE_TYPE,
  PUSH_TRANSPORT_SERVICE,
  SECURITY_POLICY,
  SECURITY_POLICY_V0,
  SECURITY_SUITE,
  cosemEnumName,
  decodeSecurityPolicy,
  describeAttribute,
  describeMethod,
  encodeSecurityPolicy,
  interfaceClass,
  nextControlState,
} from './index.ts';
import type { ControlMode, ControlState, DisconnectTrigger } from './index.ts';
import { DlmsError } from '../errors/index.ts';

const isCode = (code: string) => (e: unknown) => e instanceof DlmsError && e.code === code;

test('the classes the brief lists are all described, in class_id order', () => {
  const ids = INTERFACE_CLASSES.map((c) => c.classId);
  assert.deepEqual(ids, [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 17, 18, 19, 20, 21, 22, 23, 26, 29, 40, 41, 42, 45, 64, 68, 70, 71, 72]);
  for (const c of INTERFACE_CLASSES) assert.equal(interfaceClass(c.classId), c);
});

test("every class's attribute 1 is logical_name; attribute ids run 1..n; method ids are unique and ascending", () => {
  for (const c of INTERFACE_CLASSES) {
    assert.equal(describeAttribute(c.classId, 1)?.name, 'logical_name', c.name);
    assert.deepEqual(
      c.attributes.map((a) => a.id),
      Array.from({ length: c.attributes.length }, (_, i) => i + 1),
      c.name,
    );
    const methodIds = c.methods.map((m) => m.id);
    assert.deepEqual(methodIds, [...new Set(methodIds)].sort((x, y) => x - y), c.name);
    for (const m of [...c.attributes, ...c.methods]) {
      assert.match(m.name, /^[A-Za-z][A-Za-z0-9_&/-]*$/, `${c.name}: ${m.name}`);
      if (m.since !== undefined) assert.ok(m.since >= 1 && m.since <= c.version, `${c.name}: ${m.name}`);
    }
    assert.equal(new Set(c.attributes.map((a) => a.name)).size, c.attributes.length, c.name);
  }
});

test('CLASS_ID agrees with the described classes', () => {
  for (const c of INTERFACE_CLASSES) assert.ok(Object.values(CLASS_ID).includes(c.classId as never), c.name);
  assert.equal(interfaceClass(CLASS_ID.disconnectControl)?.name, 'Disconnect control');
  assert.equal(interfaceClass(CLASS_ID.associationLn)?.name, 'Association LN');
  assert.equal(interfaceClass(CLASS_ID.profileGeneric)?.version, 1);
});

test('unknown class, attribute and method ids give undefined', () => {
  assert.equal(interfaceClass(2), undefined);
  assert.equal(interfaceClass(0), undefined);
  assert.equal(interfaceClass(9999), undefined);
  assert.equal(describeAttribute(2, 1), undefined);
  assert.equal(describeAttribute(3, 0), undefined);
  assert.equal(describeAttribute(3, 4), undefined);
  assert.equal(describeAttribute(1, -1), undefined);
  assert.equal(describeMethod(1, 1), undefined);
  assert.equal(describeMethod(70, 3), undefined);
  assert.equal(describeMethod(12, 1), undefined); // reserved in Association SN
  assert.equal(describeMethod(7, 3), undefined); // reserved in Profile generic version 1
  assert.equal(describeMethod(9999, 1), undefined);
});

test('spot checks against the Blue Book class tables', () => {
  const attrs: readonly (readonly [number, number, string])[] = [
    [1, 2, 'value'],
    [3, 3, 'scaler_unit'],
    [4, 5, 'capture_time'],
    [5, 2, 'current_average_value'],
    [5, 9, 'number_of_periods'],
    [7, 2, 'buffer'],
    [7, 3, 'capture_objects'],
    [7, 8, 'profile_entries'],
    [8, 2, 'time'],
    [8, 4, 'status'],
    [8, 9, 'clock_base'],
    [15, 2, 'object_list'],
    [15, 6, 'authentication_mechanism_name'],
    [15, 7, 'secret'],
    [15, 8, 'association_status'],
    [15, 9, 'security_setup_reference'],
    [18, 6, 'image_transfer_status'],
    [18, 7, 'image_to_activate_info'],
    [20, 10, 'activate_passive_calendar_time'],
    [23, 9, 'device_address'],
    [40, 2, 'push_object_list'],
    [40, 3, 'send_destination_and_method'],
    [40, 7, 'repetition_delay'],
    [41, 2, 'TCP-UDP_port'],
    [42, 3, 'IP_address'],
    [64, 2, 'security_policy'],
    [64, 3, 'security_suite'],
    [64, 5, 'server_system_title'],
    [70, 2, 'output_state'],
    [70, 3, 'control_state'],
    [70, 4, 'control_mode'],
    [71, 2, 'monitored_value'],
    [71, 11, 'actions'],
    [72, 6, 'identification_number'],
  ];
  for (const [classId, id, name] of attrs) assert.equal(describeAttribute(classId, id)?.name, name, `${classId}/${id}`);
  const methods: readonly (readonly [number, number, string])[] = [
    [3, 1, 'reset'],
    [5, 2, 'next_period'],
    [7, 2, 'capture'],
    [8, 6, 'shift_time'],
    [9, 1, 'execute'],
    [12, 8, 'reply_to_HLS_authentication'],
    [15, 1, 'reply_to_HLS_authentication'],
    [15, 2, 'change_HLS_secret'],
    [17, 1, 'connect_logical_device'],
    [18, 1, 'image_transfer_initiate'],
    [18, 2, 'image_block_transfer'],
    [18, 3, 'image_verify'],
    [18, 4, 'image_activate'],
    [20, 1, 'activate_passive_calendar'],
    [40, 1, 'push'],
    [64, 1, 'security_activate'],
    [64, 2, 'key_transfer'],
    [68, 1, 'request_action'],
    [70, 1, 'remote_disconnect'],
    [70, 2, 'remote_reconnect'],
    [72, 1, 'slave_install'],
  ];
  for (const [classId, id, name] of methods) assert.equal(describeMethod(classId, id)?.name, name, `${classId}.${id}`);
  assert.equal(describeAttribute(15, 10)?.since, 2);
  assert.equal(describeAttribute(15, 2)?.since, undefined);
  assert.equal(describeAttribute(40, 8)?.since, 1);
  assert.equal(describeMethod(64, 3)?.since, 1);
});

test('disconnect control: states, modes and the transitions each mode allows', () => {
  assert.deepEqual(CONTROL_STATE, { disconnected: 0, connected: 1, readyForReconnection: 2 });
  assert.deepEqual(Object.values(CONTROL_MODE), [0, 1, 2, 3, 4, 5, 6]);
  assert.equal(cosemEnumName(CONTROL_STATE, 2), 'readyForReconnection');
  assert.equal(cosemEnumName(CONTROL_STATE, 3), undefined);
  const { disconnected, connected, readyForReconnection } = CONTROL_STATE;
  // Mode 2 and 4: remote reconnection closes the breaker directly (a).
  assert.equal(nextControlState(2, disconnected, 'remote_reconnect'), connected);
  assert.equal(nextControlState(4, disconnected, 'remote_reconnect'), connected);
  // Modes 1, 3, 5, 6: remote reconnection arms it (d); the customer closes it (e).
  for (const mode of [1, 3, 5, 6] as const) {
    assert.equal(nextControlState(mode, disconnected, 'remote_reconnect'), readyForReconnection, `mode ${mode}`);
    assert.equal(nextControlState(mode, readyForReconnection, 'manual_reconnect'), connected, `mode ${mode}`);
  }
  // Manual disconnection (f) only in modes 1, 2, 5; local reconnection (h) only in 5 and 6.
  for (const mode of [1, 2, 3, 4, 5, 6] as const) {
    assert.equal(nextControlState(mode, connected, 'remote_disconnect'), disconnected, `mode ${mode}`);
    assert.equal(nextControlState(mode, readyForReconnection, 'remote_disconnect'), disconnected, `mode ${mode}`);
    assert.equal(nextControlState(mode, connected, 'local_disconnect'), readyForReconnection, `mode ${mode}`);
    assert.equal(nextControlState(mode, connected, 'manual_disconnect'), [1, 2, 5].includes(mode) ? readyForReconnection : undefined, `mode ${mode}`);
    assert.equal(nextControlState(mode, readyForReconnection, 'local_reconnect'), [5, 6].includes(mode) ? connected : undefined, `mode ${mode}`);
  }
  // Mode 0: nothing moves.
  for (const t of Object.values(DISCONNECT_TRANSITIONS)) assert.equal(nextControlState(0, t.from, t.trigger), undefined);
  // f and g have the same effect and different triggers.
  assert.equal(DISCONNECT_TRANSITIONS.f.to, DISCONNECT_TRANSITIONS.g.to);
  assert.notEqual(DISCONNECT_TRANSITIONS.f.trigger, DISCONNECT_TRANSITIONS.g.trigger);
});

test('property: in every mode a trigger leads from a state to at most one valid state', () => {
  const triggers: readonly DisconnectTrigger[] = ['remote_disconnect', 'remote_reconnect', 'manual_disconnect', 'manual_reconnect', 'local_disconnect', 'local_reconnect'];
  fc.assert(
    fc.property(fc.constantFrom<ControlMode>(0, 1, 2, 3, 4, 5, 6), fc.constantFrom<ControlState>(0, 1, 2), fc.constantFrom(...triggers), (mode, state, trigger) => {
      const matches = CONTROL_MODE_TRANSITIONS[mode].map((id) => DISCONNECT_TRANSITIONS[id]).filter((t) => t.from === state && t.trigger === trigger);
      assert.ok(matches.length <= 1);
      const next = nextControlState(mode, state, trigger);
      assert.equal(next, matches[0]?.to);
      // A disconnect trigger never connects and a reconnect trigger never disconnects.
      if (next !== undefined && trigger.endsWith('_disconnect')) assert.notEqual(next, CONTROL_STATE.connected);
      if (next !== undefined && trigger.endsWith('_reconnect')) assert.notEqual(next, CONTROL_STATE.disconnected);
    }),
  );
});

test('image transfer status 0..7, association status, clock status and clock base', () => {
  assert.deepEqual(Object.values(IMAGE_TRANSFER_STATUS), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(IMAGE_TRANSFER_STATUS.verificationSuccessful, 3);
  assert.equal(IMAGE_TRANSFER_STATUS.activationFailed, 7);
  assert.deepEqual(ASSOCIATION_STATUS, { nonAssociated: 0, associationPending: 1, associated: 2 });
  assert.deepEqual(Object.values(CLOCK_STATUS), [0x01, 0x02, 0x04, 0x08, 0x80]);
  assert.equal(CLOCK_STATUS_NOT_SPECIFIED, 0xff);
  assert.equal(CLOCK_BASE.mainsFrequency50Hz, 2);
  assert.equal(cosemEnumName(CLOCK_BASE, 5), 'radioControlled');
});

test('security policy (version 1 flags), version 0 enum and suites', () => {
  assert.deepEqual(SECURITY_POLICY_V0, { nothing: 0, allMessagesAuthenticated: 1, allMessagesEncrypted: 2, allMessagesAuthenticatedAndEncrypted: 3 });
  assert.deepEqual(Object.values(SECURITY_POLICY), [0x04, 0x08, 0x10, 0x20, 0x40, 0x80]);
  assert.deepEqual(decodeSecurityPolicy(0x6c), {
    authenticatedRequest: true,
    encryptedRequest: true,
    digitallySignedRequest: false,
    authenticatedResponse: true,
    encryptedResponse: true,
    digitallySignedResponse: false,
  });
  assert.equal(encodeSecurityPolicy({ authenticatedRequest: true, encryptedRequest: true, authenticatedResponse: true, encryptedResponse: true }), 0x6c);
  assert.equal(encodeSecurityPolicy({}), 0);
  for (let v = 0; v < 256; v += 4) assert.equal(encodeSecurityPolicy(decodeSecurityPolicy(v)), v);
  for (const bad of [1, 2, 3, 0x6d, 256, -1, 1.5]) assert.throws(() => decodeSecurityPolicy(bad), isCode('INVALID_VALUE'), String(bad));
  assert.deepEqual(Object.values(SECURITY_SUITE), [0, 1, 2]);
});

test('push setup enumerations', () => {
  assert.equal(PUSH_TRANSPORT_SERVICE.tcp, 0);
  assert.equal(PUSH_TRANSPORT_SERVICE.hdlc, 5);
  assert.equal(PUSH_TRANSPORT_SERVICE.dlmsGateway, 8);
  assert.deepEqual(Object.values(PUSH_TRANSPORT_SERVICE), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(PUSH_MESSAGE_TYPE, { axdrEncodedXdlmsApdu: 0, xmlEncodedXdlmsApdu: 1 });
});
