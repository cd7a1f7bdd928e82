/**
 * Reading the two shapes of format version 2 that many modules need: a NIC's primary IP
 * configuration (its address and subnet), and a backend pool's members, which name a NIC's IP
 * configuration as `"nicName/ipConfigurationName"` (ARM's `networkInterfaceIPConfiguration`).
 * Every reader is total on a document as written: a broken NIC or member reads as undefined.
 */
import { isObj, list } from './draft';
import { FIRST_IP_CONFIGURATION } from './migrate';
import type { BackendAddressPool, IpConfiguration, LoadBalancerBackendAddress, NetworkInterface } from './types';

/** A NIC's primary IP configuration: the first of its list. */
export function primaryIpConfiguration(nic: NetworkInterface | undefined): IpConfiguration | undefined {
  const first = list<IpConfiguration>(nic?.ipConfigurations)[0];
  return isObj(first) ? first : undefined;
}

/** The NIC's private address (its primary IP configuration's). */
export const nicAddress = (nic: NetworkInterface | undefined): string | undefined =>
  primaryIpConfiguration(nic)?.privateIPAddress;

/** The NIC's subnet, `"vnet/subnet"` (its primary IP configuration's). */
export const nicSubnet = (nic: NetworkInterface | undefined): string | undefined => primaryIpConfiguration(nic)?.subnet;

/** The public IP address on the NIC's primary IP configuration. */
export const nicPublicAddress = (nic: NetworkInterface | undefined): string | undefined =>
  primaryIpConfiguration(nic)?.publicIPAddress;

/** `"nic/ipconfig"`: how a pool member names an IP configuration. */
export const ipConfigurationRef = (nic: string, ipConfiguration: string): string => `${nic}/${ipConfiguration}`;

/** A member's reference split at its first slash (names cannot hold one); `ipConfiguration` is '' without. */
export function splitIpConfigurationRef(ref: string): { nic: string; ipConfiguration: string } {
  const slash = ref.indexOf('/');
  return slash === -1
    ? { nic: ref, ipConfiguration: '' }
    : { nic: ref.slice(0, slash), ipConfiguration: ref.slice(slash + 1) };
}

/** The reference of the member that is `nic`'s primary IP configuration. */
export function primaryRef(nic: NetworkInterface): string | undefined {
  const config = primaryIpConfiguration(nic);
  return config === undefined || typeof config.name !== 'string'
    ? undefined
    : ipConfigurationRef(nic.name, config.name);
}

/** The NIC each member of the pool names, in order (members written wrongly are skipped). */
export function poolMemberNics(pool: { readonly loadBalancerBackendAddresses?: unknown } | undefined): string[] {
  const out: string[] = [];
  for (const member of list<unknown>(pool?.loadBalancerBackendAddresses)) {
    if (!isObj(member) || typeof member.networkInterfaceIPConfiguration !== 'string') continue;
    out.push(splitIpConfigurationRef(member.networkInterfaceIPConfiguration).nic);
  }
  return out;
}

/** Whether `nic` is a member of the pool (by any of its IP configurations). */
export const poolHasNic = (pool: BackendAddressPool | undefined, nic: string): boolean =>
  poolMemberNics(pool).includes(nic);

/** A NIC with one IP configuration (named as Azure names the first): how the editor adds one. */
export function nicWithAddress(
  name: string,
  subnet: string,
  privateIPAddress: string,
  settings: Omit<NetworkInterface, 'name' | 'ipConfigurations'> = {},
): NetworkInterface {
  return { name, ipConfigurations: [{ name: FIRST_IP_CONFIGURATION, subnet, privateIPAddress }], ...settings };
}

/** Pool members for the NICs named, each by its first IP configuration. */
export const membersOf = (nics: readonly string[]): LoadBalancerBackendAddress[] =>
  nics.map((nic) => ({ networkInterfaceIPConfiguration: ipConfigurationRef(nic, FIRST_IP_CONFIGURATION) }));
