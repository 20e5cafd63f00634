import { createECDH, createHmac } from 'node:crypto';
import type { MeterVendor } from '../identity/index.ts';

/** A vendor's firmware signing key pair: P-256 private scalar (32 bytes) and public key X‖Y (64 bytes). */
export interface VendorSigningKey {
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

// The order n of P-256 (FIPS 186-4 D.1.2.3): a private scalar must lie in [1, n − 1].
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const VENDORS: readonly MeterVendor[] = ['aidon', 'kaifa', 'kamstrup'];

/**
 * The firmware signing keys of the simulated vendors of fleet `seed`: the meters hold the public
 * keys (`MeterEnvironment.firmwareKeys`), tests and demos sign images with the private ones
 * (`buildFirmwareImage`). Derived with HMAC-SHA-256 from the seed, so the same fleet always
 * trusts the same vendors; not a key anyone should use outside the simulator.
 */
export function fleetVendorKeys(seed: string): Readonly<Record<MeterVendor, VendorSigningKey>> {
  const out = {} as Record<MeterVendor, VendorSigningKey>;
  for (const vendor of VENDORS) {
    for (let counter = 0; ; counter++) {
      const d = createHmac('sha256', seed).update(`openams/meter-sim/vendor-signing-key/v1|${vendor}|${counter}`).digest();
      const k = BigInt(`0x${d.toString('hex')}`);
      if (k === 0n || k >= P256_ORDER) continue;
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(d);
      // Uncompressed point 04 ‖ X ‖ Y; the meters hold X ‖ Y.
      out[vendor] = { privateKey: Uint8Array.from(d), publicKey: Uint8Array.from(ecdh.getPublicKey().subarray(1)) };
      break;
    }
  }
  return out;
}
