/**
 * COSEM data as carried by xDLMS (IEC 62056-6-2 / Blue Book 4.1.5, A-XDR encoded per
 * IEC 61334-6). A discriminated union on `type`; the names are the ASN.1 choice names of `Data`.
 *
 * Integers up to 32 bits are `number`; 64-bit ones are `bigint`. Octet strings are views or
 * copies as `Uint8Array`. Date/time values may arrive either as their own tags (25/26/27) or, far
 * more often, as 12/5/4-byte `octet-string`s; the codec keeps what was on the wire and
 * `cosem-datetime.ts` converts either form.
 */
export type DlmsData =
  | { readonly type: 'null-data' }
  | { readonly type: 'array'; readonly value: readonly DlmsData[] }
  | { readonly type: 'structure'; readonly value: readonly DlmsData[] }
  /** `raw` keeps a TRUE byte other than 0x01 (e.g. 0xFF) so it re-encodes exactly. */
  | { readonly type: 'boolean'; readonly value: boolean; readonly raw?: number }
  /** `bitLength` bits, most significant bit of `value[0]` first; unused trailing bits are zero. */
  | { readonly type: 'bit-string'; readonly bitLength: number; readonly value: Uint8Array }
  | { readonly type: 'double-long'; readonly value: number }
  | { readonly type: 'double-long-unsigned'; readonly value: number }
  /** Tag 7, the deprecated 4-byte float of older meters. */
  | { readonly type: 'floating-point'; readonly value: number }
  | { readonly type: 'octet-string'; readonly value: Uint8Array }
  | { readonly type: 'visible-string'; readonly value: string }
  | { readonly type: 'utf8-string'; readonly value: string }
  /** One byte, two BCD digits (Blue Book: bcd is Integer8-sized). */
  | { readonly type: 'bcd'; readonly value: number }
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'long'; readonly value: number }
  | { readonly type: 'unsigned'; readonly value: number }
  | { readonly type: 'long-unsigned'; readonly value: number }
  | { readonly type: 'compact-array'; readonly contents: TypeDescription; readonly value: readonly DlmsData[] }
  | { readonly type: 'long64'; readonly value: bigint }
  | { readonly type: 'long64-unsigned'; readonly value: bigint }
  | { readonly type: 'enum'; readonly value: number }
  | { readonly type: 'float32'; readonly value: number }
  | { readonly type: 'float64'; readonly value: number }
  | { readonly type: 'date-time'; readonly value: Uint8Array }
  | { readonly type: 'date'; readonly value: Uint8Array }
  | { readonly type: 'time'; readonly value: Uint8Array }
  | { readonly type: 'dont-care' };

export type DlmsDataType = DlmsData['type'];

/**
 * The type description of a compact-array (Blue Book 4.1.6.1 / Green Book 9.5 "compact array"):
 * a simple type, an array of `count` elements of one description, or a structure of descriptions.
 */
export type TypeDescription =
  | { readonly type: Exclude<DlmsDataType, 'array' | 'structure' | 'compact-array'> }
  | { readonly type: 'array'; readonly count: number; readonly element: TypeDescription }
  | { readonly type: 'structure'; readonly elements: readonly TypeDescription[] };

/** A-XDR tag of each data type (Blue Book 4.1.5 `Data ::= CHOICE`). */
export const DATA_TAG = {
  'null-data': 0,
  array: 1,
  structure: 2,
  boolean: 3,
  'bit-string': 4,
  'double-long': 5,
  'double-long-unsigned': 6,
  'floating-point': 7,
  'octet-string': 9,
  'visible-string': 10,
  'utf8-string': 12,
  bcd: 13,
  integer: 15,
  long: 16,
  unsigned: 17,
  'long-unsigned': 18,
  'compact-array': 19,
  long64: 20,
  'long64-unsigned': 21,
  enum: 22,
  float32: 23,
  float64: 24,
  'date-time': 25,
  date: 26,
  time: 27,
  'dont-care': 255,
} as const satisfies Record<DlmsDataType, number>;
