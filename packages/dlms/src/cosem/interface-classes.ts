/**
 * The COSEM interface classes a smart meter and its head-end use (Blue Book, DLMS UA 1000-1,
 * clause 4 "COSEM interface classes"; IEC 62056-6-2): class_id, version, and the name of every
 * attribute and method, spelled as the Blue Book's class tables spell them (`logical_name`,
 * `scaler_unit`, `reply_to_HLS_authentication`).
 *
 * Each class is described at one version, given in `version`. Where that version added
 * attributes or methods to an earlier one, `since` says which version did. Clause titles are
 * cited instead of clause numbers because the numbering moves between Blue Book editions.
 */

/** One attribute of an interface class. */
export interface CosemAttributeDescription {
  /** attribute_id as used in a Cosem-Attribute-Descriptor. */
  readonly id: number;
  /** The Blue Book name, e.g. `scaler_unit`. */
  readonly name: string;
  /** The class version that introduced the attribute; absent when it exists from version 0. */
  readonly since?: number;
}

/** One method of an interface class. */
export interface CosemMethodDescription {
  /** method_id as used in a Cosem-Method-Descriptor. */
  readonly id: number;
  /** The Blue Book name, e.g. `remote_disconnect`. */
  readonly name: string;
  /** The class version that introduced the method; absent when it exists from version 0. */
  readonly since?: number;
}

/** An interface class at the version described here. */
export interface InterfaceClassDescription {
  readonly classId: number;
  /** The Blue Book title of the class, e.g. `Disconnect control`. */
  readonly name: string;
  /** The class version these attribute and method lists describe. */
  readonly version: number;
  /** Attributes in id order; attribute 1 is always `logical_name`. */
  readonly attributes: readonly CosemAttributeDescription[];
  /** Methods in id order; empty for classes without methods. */
  readonly methods: readonly CosemMethodDescription[];
}

/**
 * class_id of the interface classes this module and the OBIS registry name, keyed by a camel-case
 * form of the Blue Book title. Not every class here has an `InterfaceClassDescription`.
 */
export const CLASS_ID = {
  data: 1,
  register: 3,
  extendedRegister: 4,
  demandRegister: 5,
  registerActivation: 6,
  profileGeneric: 7,
  clock: 8,
  scriptTable: 9,
  schedule: 10,
  specialDaysTable: 11,
  associationSn: 12,
  associationLn: 15,
  sapAssignment: 17,
  imageTransfer: 18,
  iecLocalPortSetup: 19,
  activityCalendar: 20,
  registerMonitor: 21,
  singleActionSchedule: 22,
  iecHdlcSetup: 23,
  iecTwistedPairSetup: 24,
  mBusSlavePortSetup: 25,
  utilityTables: 26,
  modemConfiguration: 27,
  autoAnswer: 28,
  autoConnect: 29,
  pushSetup: 40,
  tcpUdpSetup: 41,
  ipv4Setup: 42,
  macAddressSetup: 43,
  pppSetup: 44,
  gprsModemSetup: 45,
  smtpSetup: 46,
  securitySetup: 64,
  arbitrator: 68,
  disconnectControl: 70,
  limiter: 71,
  mBusClient: 72,
} as const;

type Member = string | readonly [name: string, since: number];

/**
 * Build one class description. `attributes` lists attributes 2, 3, … in order (attribute 1,
 * `logical_name`, is common to every class, Blue Book 4.1.8); `methods` lists methods 1, 2, … in
 * order, or as [id, name] pairs where ids have gaps.
 */
function ic(
  classId: number,
  name: string,
  version: number,
  attributes: readonly Member[],
  methods: readonly (Member | readonly [id: number, name: string])[] = [],
): InterfaceClassDescription {
  const member = (m: Member, id: number) => {
    const [n, since] = typeof m === 'string' ? [m, undefined] : m;
    return Object.freeze({ id, name: n, ...(since !== undefined ? { since } : {}) });
  };
  return Object.freeze({
    classId,
    name,
    version,
    attributes: Object.freeze([member('logical_name', 1), ...attributes.map((a, i) => member(a, i + 2))]),
    methods: Object.freeze(
      methods.map((m, i) => (typeof m[0] === 'number' ? Object.freeze({ id: m[0], name: m[1] as string }) : member(m as Member, i + 1))),
    ),
  });
}

const CLASSES: readonly InterfaceClassDescription[] = [
  // Blue Book "Data (class_id = 1, version = 0)".
  ic(1, 'Data', 0, ['value']),
  // "Register (class_id = 3, version = 0)".
  ic(3, 'Register', 0, ['value', 'scaler_unit'], ['reset']),
  // "Extended register (class_id = 4, version = 0)".
  ic(4, 'Extended register', 0, ['value', 'scaler_unit', 'status', 'capture_time'], ['reset']),
  // "Demand register (class_id = 5, version = 0)".
  ic(
    5,
    'Demand register',
    0,
    ['current_average_value', 'last_average_value', 'scaler_unit', 'status', 'capture_time', 'start_time_current', 'period', 'number_of_periods'],
    ['reset', 'next_period'],
  ),
  // "Register activation (class_id = 6, version = 0)".
  ic(6, 'Register activation', 0, ['register_assignment', 'mask_list', 'active_mask'], ['add_register', 'add_mask', 'delete_mask']),
  // "Profile generic (class_id = 7, version = 1)". Methods 3 and 4 of version 0 are reserved in
  // version 1 and left out.
  ic(7, 'Profile generic', 1, ['buffer', 'capture_objects', 'capture_period', 'sort_method', 'sort_object', 'entries_in_use', 'profile_entries'], [
    'reset',
    'capture',
  ]),
  // "Clock (class_id = 8, version = 0)".
  ic(
    8,
    'Clock',
    0,
    ['time', 'time_zone', 'status', 'daylight_savings_begin', 'daylight_savings_end', 'daylight_savings_deviation', 'daylight_savings_enabled', 'clock_base'],
    ['adjust_to_quarter', 'adjust_to_measuring_period', 'adjust_to_minute', 'adjust_to_preset_time', 'preset_adjusting_time', 'shift_time'],
  ),
  // "Script table (class_id = 9, version = 0)".
  ic(9, 'Script table', 0, ['scripts'], ['execute']),
  // "Schedule (class_id = 10, version = 0)".
  ic(10, 'Schedule', 0, ['entries'], ['enable/disable', 'insert', 'delete']),
  // "Special days table (class_id = 11, version = 0)".
  ic(11, 'Special days table', 0, ['entries'], ['insert', 'delete']),
  // "Association SN (class_id = 12)", described at version 2. Methods 1, 2 and 7 are reserved.
  // Later versions add user_list, current_user, add_user and remove_user; they are left out
  // because their numbering could not be confirmed.
  ic(12, 'Association SN', 2, ['object_list', 'access_rights_list', 'security_setup_reference'], [
    [3, 'read_by_logicalname'],
    [4, 'get_attributes&methods'],
    [5, 'change_LLS_secret'],
    [6, 'change_HLS_secret'],
    [8, 'reply_to_HLS_authentication'],
  ]),
  // "Association LN (class_id = 15, version = 2)".
  ic(
    15,
    'Association LN',
    2,
    [
      'object_list',
      'associated_partners_id',
      'application_context_name',
      'xDLMS_context_info',
      'authentication_mechanism_name',
      'secret',
      'association_status',
      ['security_setup_reference', 1],
      ['user_list', 2],
      ['current_user', 2],
    ],
    ['reply_to_HLS_authentication', 'change_HLS_secret', 'add_object', 'remove_object', ['add_user', 2], ['remove_user', 2]],
  ),
  // "SAP assignment (class_id = 17, version = 0)".
  ic(17, 'SAP assignment', 0, ['SAP_assignment_list'], ['connect_logical_device']),
  // "Image transfer (class_id = 18, version = 0)".
  ic(
    18,
    'Image transfer',
    0,
    [
      'image_block_size',
      'image_transferred_blocks_status',
      'image_first_not_transferred_block_number',
      'image_transfer_enabled',
      'image_transfer_status',
      'image_to_activate_info',
    ],
    ['image_transfer_initiate', 'image_block_transfer', 'image_verify', 'image_activate'],
  ),
  // "IEC local port setup (class_id = 19, version = 1)".
  ic(19, 'IEC local port setup', 1, ['default_mode', 'default_baud', 'prop_baud', 'response_time', 'device_addr', 'pass_p1', 'pass_p2', 'pass_w5']),
  // "Activity calendar (class_id = 20, version = 0)".
  ic(
    20,
    'Activity calendar',
    0,
    [
      'calendar_name_active',
      'season_profile_active',
      'week_profile_table_active',
      'day_profile_table_active',
      'calendar_name_passive',
      'season_profile_passive',
      'week_profile_table_passive',
      'day_profile_table_passive',
      'activate_passive_calendar_time',
    ],
    ['activate_passive_calendar'],
  ),
  // "Register monitor (class_id = 21, version = 0)".
  ic(21, 'Register monitor', 0, ['thresholds', 'monitored_value', 'actions']),
  // "Single action schedule (class_id = 22, version = 0)".
  ic(22, 'Single action schedule', 0, ['executed_script', 'type', 'execution_time']),
  // "IEC HDLC setup (class_id = 23, version = 1)".
  ic(23, 'IEC HDLC setup', 1, [
    'comm_speed',
    'window_size_transmit',
    'window_size_receive',
    'max_info_field_length_transmit',
    'max_info_field_length_receive',
    'inter_octet_time_out',
    'inactivity_time_out',
    'device_address',
  ]),
  // "Utility tables (class_id = 26, version = 0)".
  ic(26, 'Utility tables', 0, ['table_ID', 'length', 'buffer']),
  // "Auto connect (class_id = 29, version = 2)".
  ic(29, 'Auto connect', 2, ['mode', 'repetitions', 'repetition_delay', 'calling_window', 'destination_list'], ['connect']),
  // "Push setup (class_id = 40, version = 2)": version 1 added attributes 8–10, version 2 added
  // 11–13 and the reset method.
  ic(
    40,
    'Push setup',
    2,
    [
      'push_object_list',
      'send_destination_and_method',
      'communication_window',
      'randomisation_start_interval',
      'number_of_retries',
      'repetition_delay',
      ['port_reference', 1],
      ['push_client_SAP', 1],
      ['push_protection_parameters', 1],
      ['push_operation_method', 2],
      ['confirmation_parameters', 2],
      ['last_confirmation_date_time', 2],
    ],
    ['push', ['reset', 2]],
  ),
  // "TCP-UDP setup (class_id = 41, version = 0)".
  ic(41, 'TCP-UDP setup', 0, ['TCP-UDP_port', 'IP_reference', 'MSS', 'nb_of_sim_conn', 'inactivity_time_out']),
  // "IPv4 setup (class_id = 42, version = 0)".
  ic(
    42,
    'IPv4 setup',
    0,
    [
      'DL_reference',
      'IP_address',
      'multicast_IP_address',
      'IP_options',
      'subnet_mask',
      'gateway_IP_address',
      'use_DHCP_flag',
      'primary_DNS_address',
      'secondary_DNS_address',
    ],
    ['add_mc_IP_address', 'delete_mc_IP_address', 'get_nbof_mc_IP_addresses'],
  ),
  // "GPRS modem setup (class_id = 45, version = 0)".
  ic(45, 'GPRS modem setup', 0, ['APN', 'PIN_code', 'quality_of_service']),
  // "Security setup (class_id = 64, version = 1)": version 1 added certificates and methods 3–8,
  // and renamed method 2 from global_key_transfer to key_transfer.
  ic(64, 'Security setup', 1, ['security_policy', 'security_suite', 'client_system_title', 'server_system_title', ['certificates', 1]], [
    'security_activate',
    'key_transfer',
    ['key_agreement', 1],
    ['generate_key_pair', 1],
    ['generate_certificate_request', 1],
    ['import_certificate', 1],
    ['export_certificate', 1],
    ['remove_certificate', 1],
  ]),
  // "Arbitrator (class_id = 68, version = 0)".
  ic(68, 'Arbitrator', 0, ['actions', 'permissions_table', 'weightings_table', 'most_recent_requests_table', 'last_outcome'], ['request_action', 'reset']),
  // "Disconnect control (class_id = 70, version = 0)".
  ic(70, 'Disconnect control', 0, ['output_state', 'control_state', 'control_mode'], ['remote_disconnect', 'remote_reconnect']),
  // "Limiter (class_id = 71, version = 0)".
  ic(71, 'Limiter', 0, [
    'monitored_value',
    'threshold_active',
    'threshold_normal',
    'threshold_emergency',
    'min_over_threshold_duration',
    'min_under_threshold_duration',
    'emergency_profile',
    'emergency_profile_group_id_list',
    'emergency_profile_active',
    'actions',
  ]),
  // "M-Bus client (class_id = 72, version = 1)".
  ic(
    72,
    'M-Bus client',
    1,
    [
      'mbus_port_reference',
      'capture_definition',
      'capture_period',
      'primary_address',
      'identification_number',
      'manufacturer_id',
      'version',
      'device_type',
      'access_number',
      'status',
      'alarm',
      'configuration',
      'encryption_key_status',
    ],
    ['slave_install', 'slave_deinstall', 'capture', 'reset_alarm', 'synchronize_clock', 'data_send', 'set_encryption_key', 'transfer_key'],
  ),
];

const BY_ID: ReadonlyMap<number, InterfaceClassDescription> = new Map(CLASSES.map((c) => [c.classId, c]));

/** Every interface class described here, in class_id order. */
export const INTERFACE_CLASSES: readonly InterfaceClassDescription[] = Object.freeze([...CLASSES]);

/** The interface class with this class_id, or undefined if it is not described here. */
export function interfaceClass(classId: number): InterfaceClassDescription | undefined {
  return BY_ID.get(classId);
}

/** Attribute `attributeId` of class `classId`, or undefined if either is unknown. */
export function describeAttribute(classId: number, attributeId: number): CosemAttributeDescription | undefined {
  return BY_ID.get(classId)?.attributes.find((a) => a.id === attributeId);
}

/** Method `methodId` of class `classId`, or undefined if either is unknown. */
export function describeMethod(classId: number, methodId: number): CosemMethodDescription | undefined {
  return BY_ID.get(classId)?.methods.find((m) => m.id === methodId);
}
