/**
 * A fleet of virtual meters in one process: `Fleet` makes meters from `(seed, index)` when they
 * are used and keeps only a compact core of each while idle; `listenWrapper` (IEC 62056-47 TCP,
 * one port, meters routed by gateway header, called-AP-title or loopback address) and
 * `listenHdlc` (concentrator-style HDLC over TCP) let a head-end dial them; `FleetPusher` makes
 * them dial the head-end with their daily profile and alarms; `writeManifest` writes the key
 * file a head-end imports. See README.md.
 */
export { Fleet, FleetMeter } from './fleet.ts';
export type { Admission, FleetOptions, FleetServeOptions } from './fleet.ts';
export { FleetStats } from './stats.ts';
export { MeterCoreStore } from './core-store.ts';
export type { CoreDefaults } from './core-store.ts';
export { FleetDirectory } from './directory.ts';
export { FleetError } from './errors.ts';
export type { FleetErrorCode } from './errors.ts';
export { GATEWAY_REQUEST_TAG, GATEWAY_RESPONSE_TAG, GatewayClientTransport, decodeGatewayPdu, encodeGatewayPdu } from './gateway.ts';
export type { GatewayPdu } from './gateway.ts';
export {
  HDLC_FIRST_PHYSICAL_ADDRESS,
  HDLC_MAX_METERS,
  indexOfLoopbackAddress,
  listenHdlc,
  listenWrapper,
  meterHdlcAddress,
  meterLoopbackAddress,
  routeFirstApdu,
} from './tcp.ts';
export type { FleetListenOptions, FleetListener, Route, RouteVia } from './tcp.ts';
export { FleetPusher, pushApdu, pushBody } from './push.ts';
export type { FleetPushOptions, PushContent } from './push.ts';
export { manifestChunks, manifestEntries, manifestJson, writeManifest } from './manifest.ts';
export type { ManifestEntry, ManifestOptions } from './manifest.ts';
export { LOAD_MODEL_SOURCE } from './load-source.ts';
export { fleetVendorKeys } from './vendor-keys.ts';
export type { VendorSigningKey } from './vendor-keys.ts';
