/**
 * Network security groups: the syntax of their rules and duplicate priorities.
 */
import { joinPath } from '../shape';
import type { SecurityRule } from '../types';
import { type At, type Index, parseNsgAddress, parsePortRange, q, type Report, register } from './common';

/** The values of a singular/plural pair (`sourceAddressPrefix` / `sourceAddressPrefixes`), with their paths. */
export function pair(
  rule: SecurityRule,
  path: string,
  one: keyof SecurityRule,
  many: keyof SecurityRule,
): At<string>[] {
  const plural = rule[many];
  if (Array.isArray(plural)) {
    return plural.map((v, i) => ({ v: v as string, path: joinPath(joinPath(path, many as string), i) }));
  }
  const single = rule[one];
  return [{ v: typeof single === 'string' ? single : '*', path: joinPath(path, one as string) }];
}

export function checkSecurityRuleSyntax(report: Report, rule: SecurityRule, path: string): void {
  const pairs: [keyof SecurityRule, keyof SecurityRule, 'address' | 'port'][] = [
    ['sourceAddressPrefix', 'sourceAddressPrefixes', 'address'],
    ['destinationAddressPrefix', 'destinationAddressPrefixes', 'address'],
    ['sourcePortRange', 'sourcePortRanges', 'port'],
    ['destinationPortRange', 'destinationPortRanges', 'port'],
  ];
  for (const [one, many, what] of pairs) {
    // ARM refuses a rule that sets both forms (SecurityRuleParameterContainsUnsupportedValue).
    if (rule[one] !== undefined && rule[many] !== undefined) {
      report.error(
        joinPath(path, many as string),
        `set either ${String(one)} or ${String(many)}, not both (Azure rejects a rule with both)`,
      );
    }
    const plural = Array.isArray(rule[many]);
    for (const item of pair(rule, path, one, many)) {
      if (what === 'port') {
        const range = parsePortRange(item.v);
        if (typeof range === 'string') report.error(item.path, range);
        else if (plural && item.v === '*')
          report.error(item.path, `"*" cannot be one item of ${String(many)}: use ${String(one)}: "*"`);
        continue;
      }
      const address = parseNsgAddress(item.v);
      if (typeof address === 'string') report.error(item.path, address);
      else if (plural && !('cidr' in address)) {
        // ARM: the plural form cannot hold "*" or the VirtualNetwork, Internet, AzureLoadBalancer tags
        // (SecurityRuleParameterContainsUnsupportedValue, hashicorp/terraform-provider-azurerm#5617).
        report.error(
          item.path,
          `${q(item.v)} cannot be one item of ${String(many)}: Azure accepts "*" and service tags only in ${String(one)}`,
        );
      }
    }
  }
}

export function checkSecurityGroups(report: Report, ix: Index): void {
  for (const nsg of ix.nsgs.values()) {
    const names = new Map<string, At<SecurityRule>>();
    const priorities = new Map<string, At<SecurityRule>>();
    for (const rule of nsg.rules) {
      register(report, names, rule, 'security rule', ` in network security group ${q(nsg.v.name)}`);
      // network-security-groups-overview: "Each rule must have a unique priority" per direction.
      const key = `${rule.v.direction}/${rule.v.priority}`;
      const first = priorities.get(key);
      if (first !== undefined) {
        report.error(
          joinPath(rule.path, 'priority'),
          `priority ${rule.v.priority} is already used by ${rule.v.direction.toLowerCase()} rule ${q(first.v.name)} (${first.path}): Azure needs a unique priority per direction`,
        );
      } else priorities.set(key, rule);
      checkSecurityRuleSyntax(report, rule.v, rule.path);
    }
  }
}
