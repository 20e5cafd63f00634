import { FAULT_KINDS } from '../faults/index.ts';
import type { FaultKind } from '../faults/index.ts';

/** What a fleet served, as `openams sim` prints it on exit. Plain counters; the fleet updates them. */
export class FleetStats {
  /** TCP (or in-memory) connections taken, and those no meter could be found for. */
  connections = 0;
  unrouted = 0;
  /** Associations established (after HLS pass 4 for the management client), by client SAP. */
  sessions = 0;
  managementSessions = 0;
  publicSessions = 0;
  releases = 0;
  /** AAREs rejected, authentication failures (wrong key, bad f(StoC)), replayed invocation counters, plain APDUs refused. */
  refused = 0;
  authenticationFailures = 0;
  replays = 0;
  plainRefused = 0;
  /** Bytes received and sent on the meters' connections (TCP payload, framing included). */
  bytesIn = 0;
  bytesOut = 0;
  /** Data-notifications pushed to the head-end, their bytes, and pushes that could not be delivered. */
  pushes = 0;
  pushBytes = 0;
  pushFailures = 0;
  /** Meters made from their core, and put back. */
  materialized = 0;
  evicted = 0;
  readonly faults: Record<FaultKind, number> = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;

  /** Count `n` injections of a fault. */
  fault(kind: FaultKind, n = 1): void {
    this.faults[kind] += n;
  }

  /** The total of every fault counter. */
  get faultsInjected(): number {
    return FAULT_KINDS.reduce((n, k) => n + this.faults[k], 0);
  }

  /** Plain data, e.g. for `--json` output. */
  toJSON(): Record<string, unknown> {
    const { faults, ...counters } = this;
    return { ...counters, faults: { ...faults }, faultsInjected: this.faultsInjected };
  }

  /** The summary lines `openams sim` prints on exit. */
  summary(): string[] {
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    const lines = [
      `connections ${this.connections} (unrouted ${this.unrouted}); sessions ${this.sessions} (management ${this.managementSessions}, public ${this.publicSessions}), released ${this.releases}`,
      `refused: associations ${this.refused}, authentication failures ${this.authenticationFailures}, replays ${this.replays}, plain APDUs ${this.plainRefused}`,
      `bytes in ${mib(this.bytesIn)}, out ${mib(this.bytesOut)}; pushes ${this.pushes} (${mib(this.pushBytes)}, failed ${this.pushFailures})`,
      `meters made ${this.materialized}, evicted ${this.evicted}`,
    ];
    const injected = FAULT_KINDS.filter((k) => this.faults[k] > 0).map((k) => `${k} ${this.faults[k]}`);
    lines.push(`faults injected ${this.faultsInjected}${injected.length > 0 ? `: ${injected.join(', ')}` : ''}`);
    return lines;
  }
}
