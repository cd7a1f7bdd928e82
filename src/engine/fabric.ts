/**
 * fabric: who owns an address outside the guests, and how long the wire takes
 * (engine-model.md step 5 and "Time and TCP").
 *
 * Inputs: the engine input.
 * Outputs: `AddressBook.lookup(address)`: a load-balancer frontend, a NIC, a client host, the
 *   platform (168.63.129.16), or nobody (with the VNet whose space holds the address); and the
 *   latencies of each kind of hop.
 * Invariants: a frontend address wins over a NIC address (a loopback copy of a frontend address is
 *   inside a guest and never in the fabric); loopback addresses are never looked up here.
 */
import { cidrContains } from '../shared/ipv4';
import type { EngineInput } from './input';
import { AZURE_LB_ADDRESS } from './nsg';
import { DEFAULT_OUTBOUND_BASE } from './snat';

/**
 * One-way latencies (engine-model.md "Time and TCP": inside a host microseconds, through the fabric
 * about 0.1–1 ms, to on-premises or the internet 10–30 ms). Calibrated on the ILB hairpin write-up: psping to the
 * local address 0.09–0.13 ms, through the second NIC 0.68–1.45 ms, from on-premises about 20 ms
 * round trip. Assumption: fixed values, no jitter.
 */
export const LATENCY_US = {
  /** Inside one guest (local delivery). */
  guest: 50,
  /** One hop through the Azure fabric: NIC to frontend, frontend to NIC, NIC to NIC, NIC to gateway. */
  fabric: 250,
  /** Between the host of a NIC and the platform's probe source 168.63.129.16. */
  platform: 100,
  /** Between the VNet gateway and an on-premises client. */
  gateway: 10_000,
  /** Between the internet edge and an internet client. */
  internet: 15_000,
} as const;

export type Target =
  | { readonly kind: 'frontend'; readonly lb: number; readonly frontend: number; readonly isPublic: boolean }
  | { readonly kind: 'nic'; readonly nic: number }
  /** An instance-level public IP, or the default outbound access address of a NIC (snat.ts). */
  | { readonly kind: 'publicIp'; readonly nic: number }
  | { readonly kind: 'client'; readonly client: number; readonly host: number }
  | { readonly kind: 'platform' }
  | { readonly kind: 'none'; readonly vnet: number | null };

export class AddressBook {
  private readonly owners = new Map<number, Target>();

  constructor(private readonly input: EngineInput) {
    input.nics.forEach((nic, i) => {
      this.owners.set(nic.address, { kind: 'nic', nic: i });
      if (nic.publicIp !== null) this.owners.set(nic.publicIp, { kind: 'publicIp', nic: i });
    });
    input.loadBalancers.forEach((lb, lbIndex) => {
      lb.frontends.forEach((fe, feIndex) => {
        this.owners.set(fe.address, { kind: 'frontend', lb: lbIndex, frontend: feIndex, isPublic: fe.isPublic });
      });
    });
  }

  lookup(address: number): Target {
    const owner = this.owners.get(address);
    if (owner !== undefined) return owner;
    if (address === AZURE_LB_ADDRESS) return { kind: 'platform' };
    const defaultOutbound = (address - DEFAULT_OUTBOUND_BASE) >>> 0;
    if (defaultOutbound < this.input.nics.length) return { kind: 'publicIp', nic: defaultOutbound };
    const clients = this.input.clients;
    for (let c = 0; c < clients.length; c++) {
      const client = clients[c];
      if (client === undefined) continue;
      const offset = address - client.firstAddress;
      if (offset >= 0 && offset < client.count && cidrContains(client.prefix, address)) {
        return { kind: 'client', client: c, host: offset };
      }
    }
    const vnet = this.input.vnets.findIndex((network) =>
      network.addressSpace.some((prefix) => cidrContains(prefix, address)),
    );
    return { kind: 'none', vnet: vnet === -1 ? null : vnet };
  }
}
