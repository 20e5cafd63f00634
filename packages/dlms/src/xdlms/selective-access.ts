import type { DlmsData } from '../axdr/index.ts';
import { DlmsError } from '../errors/index.ts';
import { obisFromBytes, obisToBytes, parseObis } from '../obis/obis.ts';
import type { Obis } from '../obis/obis.ts';
import { checkRange } from './primitives.ts';
import type { SelectiveAccessDescriptor } from './primitives.ts';

/** Access selector of the profile-generic range descriptor (Blue Book 4.3.6, IC 7 attribute 2). */
export const RANGE_DESCRIPTOR_SELECTOR = 1;
/** Access selector of the profile-generic entry descriptor. */
export const ENTRY_DESCRIPTOR_SELECTOR = 2;

/**
 * `capture_object_definition ::= structure { class_id: long-unsigned, logical_name: octet-string,
 * attribute_index: integer, data_index: long-unsigned }` (Blue Book 4.3.6): one column of a
 * profile, or the column a range restricts on. `dataIndex` 0 means the whole attribute.
 */
export interface CaptureObjectDefinition {
  readonly classId: number;
  readonly logicalName: Obis;
  readonly attributeIndex: number;
  readonly dataIndex: number;
}

/** The clock's time (IC 8, 0-0:1.0.0.255, attribute 2): the usual restricting object of a range. */
export const CLOCK_CAPTURE_OBJECT: CaptureObjectDefinition = Object.freeze({
  classId: 8,
  logicalName: parseObis('0-0:1.0.0.255'),
  attributeIndex: 2,
  dataIndex: 0,
});

/**
 * `range_descriptor ::= structure { restricting_object: capture_object_definition, from_value,
 * to_value, selected_values: array capture_object_definition }` (Blue Book 4.3.6, access selector 1):
 * the buffer entries whose restricting column lies in `from`..`to` (both inclusive), usually
 * 12-byte date-time octet-strings. An empty `selectedValues` means all columns.
 */
export interface RangeDescriptor {
  readonly restrictingObject: CaptureObjectDefinition;
  readonly from: DlmsData;
  readonly to: DlmsData;
  readonly selectedValues: readonly CaptureObjectDefinition[];
}

/**
 * `entry_descriptor ::= structure { from_entry: double-long-unsigned, to_entry: double-long-unsigned,
 * from_selected_value: long-unsigned, to_selected_value: long-unsigned }` (Blue Book 4.3.6, access
 * selector 2). Entries and columns count from 1; `toEntry` 0 means the newest entry and
 * `toSelectedValue` 0 the last column.
 */
export interface EntryDescriptor {
  readonly fromEntry: number;
  readonly toEntry: number;
  readonly fromSelectedValue: number;
  readonly toSelectedValue: number;
}

function captureObjectData(c: CaptureObjectDefinition): DlmsData {
  checkRange(c.classId, 0, 0xffff, 'class_id');
  checkRange(c.attributeIndex, -128, 127, 'attribute_index');
  checkRange(c.dataIndex, 0, 0xffff, 'data_index');
  return {
    type: 'structure',
    value: [
      { type: 'long-unsigned', value: c.classId },
      { type: 'octet-string', value: obisToBytes(c.logicalName) },
      { type: 'integer', value: c.attributeIndex },
      { type: 'long-unsigned', value: c.dataIndex },
    ],
  };
}

/** Build the selective access by range (selector 1) for a profile-generic buffer GET. */
export function rangeDescriptor(range: {
  readonly restrictingObject: CaptureObjectDefinition;
  readonly from: DlmsData;
  readonly to: DlmsData;
  readonly selectedValues?: readonly CaptureObjectDefinition[];
}): SelectiveAccessDescriptor {
  return {
    accessSelector: RANGE_DESCRIPTOR_SELECTOR,
    accessParameters: {
      type: 'structure',
      value: [
        captureObjectData(range.restrictingObject),
        range.from,
        range.to,
        { type: 'array', value: (range.selectedValues ?? []).map(captureObjectData) },
      ],
    },
  };
}

/** Build the selective access by entry (selector 2); the column range defaults to all columns. */
export function entryDescriptor(entry: {
  readonly fromEntry: number;
  readonly toEntry: number;
  readonly fromSelectedValue?: number;
  readonly toSelectedValue?: number;
}): SelectiveAccessDescriptor {
  const e: EntryDescriptor = { fromSelectedValue: 1, toSelectedValue: 0, ...entry };
  checkRange(e.fromEntry, 0, 0xffffffff, 'from_entry');
  checkRange(e.toEntry, 0, 0xffffffff, 'to_entry');
  checkRange(e.fromSelectedValue, 0, 0xffff, 'from_selected_value');
  checkRange(e.toSelectedValue, 0, 0xffff, 'to_selected_value');
  return {
    accessSelector: ENTRY_DESCRIPTOR_SELECTOR,
    accessParameters: {
      type: 'structure',
      value: [
        { type: 'double-long-unsigned', value: e.fromEntry },
        { type: 'double-long-unsigned', value: e.toEntry },
        { type: 'long-unsigned', value: e.fromSelectedValue },
        { type: 'long-unsigned', value: e.toSelectedValue },
      ],
    },
  };
}

function shapeError(path: string, expected: string, got: DlmsData | undefined): DlmsError {
  return new DlmsError('INVALID_VALUE', `expected ${expected}, got ${got === undefined ? 'nothing' : got.type}`, { path });
}

function structureOf(d: DlmsData | undefined, n: number, path: string): readonly DlmsData[] {
  if (d?.type !== 'structure' || d.value.length !== n) throw shapeError(path, `a structure of ${n} elements`, d);
  return d.value;
}

function numberOf(d: DlmsData | undefined, type: 'long-unsigned' | 'double-long-unsigned' | 'integer', path: string): number {
  if (d !== undefined && d.type === type && 'value' in d && typeof d.value === 'number') return d.value;
  throw shapeError(path, type, d);
}

function parseCaptureObject(d: DlmsData | undefined, path: string): CaptureObjectDefinition {
  const [classId, logicalName, attributeIndex, dataIndex] = structureOf(d, 4, path);
  if (logicalName?.type !== 'octet-string' || logicalName.value.length !== 6) throw shapeError(`${path}.logical_name`, 'a 6-byte octet-string', logicalName);
  return {
    classId: numberOf(classId, 'long-unsigned', `${path}.class_id`),
    logicalName: obisFromBytes(logicalName.value),
    attributeIndex: numberOf(attributeIndex, 'integer', `${path}.attribute_index`),
    dataIndex: numberOf(dataIndex, 'long-unsigned', `${path}.data_index`),
  };
}

function expectSelector(sad: SelectiveAccessDescriptor, selector: number, name: string): void {
  if (sad.accessSelector !== selector) {
    throw new DlmsError('INVALID_VALUE', `access selector ${sad.accessSelector} is not ${selector} (${name})`, { path: 'access-selector' });
  }
}

/** Read a range descriptor back; INVALID_VALUE (with a path) when the selector or shape is wrong. */
export function parseRangeDescriptor(sad: SelectiveAccessDescriptor): RangeDescriptor {
  expectSelector(sad, RANGE_DESCRIPTOR_SELECTOR, 'range_descriptor');
  const [restricting, from, to, selected] = structureOf(sad.accessParameters, 4, 'range_descriptor');
  if (from === undefined || to === undefined) throw shapeError('range_descriptor', 'from_value and to_value', undefined);
  if (selected?.type !== 'array') throw shapeError('range_descriptor.selected_values', 'an array', selected);
  return {
    restrictingObject: parseCaptureObject(restricting, 'range_descriptor.restricting_object'),
    from,
    to,
    selectedValues: selected.value.map((c, i) => parseCaptureObject(c, `range_descriptor.selected_values[${i}]`)),
  };
}

/** Read an entry descriptor back; INVALID_VALUE (with a path) when the selector or shape is wrong. */
export function parseEntryDescriptor(sad: SelectiveAccessDescriptor): EntryDescriptor {
  expectSelector(sad, ENTRY_DESCRIPTOR_SELECTOR, 'entry_descriptor');
  const [fromEntry, toEntry, fromSelected, toSelected] = structureOf(sad.accessParameters, 4, 'entry_descriptor');
  return {
    fromEntry: numberOf(fromEntry, 'double-long-unsigned', 'entry_descriptor.from_entry'),
    toEntry: numberOf(toEntry, 'double-long-unsigned', 'entry_descriptor.to_entry'),
    fromSelectedValue: numberOf(fromSelected, 'long-unsigned', 'entry_descriptor.from_selected_value'),
    toSelectedValue: numberOf(toSelected, 'long-unsigned', 'entry_descriptor.to_selected_value'),
  };
}
