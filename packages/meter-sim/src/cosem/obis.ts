import { parseObis } from '@openams/dlms';
import type { Obis } from '@openams/dlms';

/** Energy register OBIS codes (IEC 62056-6-1, C = 1..4, D = 8 time integral 1), A+, A−, R+, R−. */
export const ENERGY_OBIS: readonly Obis[] = ['1-0:1.8.0.255', '1-0:2.8.0.255', '1-0:3.8.0.255', '1-0:4.8.0.255'].map(parseObis);
/** Instantaneous power OBIS codes (D = 7), A+, A−, R+, R−. */
export const POWER_OBIS: readonly Obis[] = ['1-0:1.7.0.255', '1-0:2.7.0.255', '1-0:3.7.0.255', '1-0:4.7.0.255'].map(parseObis);
/** Energy over the last capture period (D = 29, time integral 5): the columns of delta profiles. */
export const PERIOD_ENERGY_OBIS: readonly Obis[] = ['1-0:1.29.0.255', '1-0:2.29.0.255', '1-0:3.29.0.255', '1-0:4.29.0.255'].map(parseObis);
