/**
 * Scenario events: what each action names, and the bodies it carries.
 */
import { skuOf } from '../defaults';
import { EVENT_VARIANTS, FIREWALL_RULE, LB_RULE, type ObjectSchema, PROBE, SECURITY_RULE } from '../schema';
import { joinPath } from '../shape';
import type { FirewallRule, HealthProbe, Listener, LoadBalancingRule, SecurityRule } from '../types';
import {
  badAddress,
  child,
  type Index,
  isObject,
  lookup,
  namesWritten,
  noSuch,
  type Obj,
  parseAddress,
  q,
  type Report,
  typed,
} from './common';
import { checkProbeBody } from './lb';
import { checkSecurityRuleSyntax } from './nsg';
import { checkFirewallRule, checkListenerBody } from './vm';

// ---------------------------------------------------------------------------------------------
// Events and lesson

export type EventObj = Obj & { at: number; action: string };

export function checkEvents(report: Report, ix: Index, doc: Obj): void {
  const list = doc.events;
  if (!Array.isArray(list)) return;
  // Names created by set* events, so that a later remove* may name them.
  const created = new Set<string>();
  const indexed = list.map((event, index) => ({ event, index }));
  const events = indexed
    .filter(
      ({ event }) => isObject(event) && typeof event.action === 'string' && Object.hasOwn(EVENT_VARIANTS, event.action),
    )
    .filter(({ event }) => typed(EVENT_VARIANTS[(event as EventObj).action] as ObjectSchema, event))
    .map(({ event, index }) => ({ e: event as EventObj, path: joinPath('events', index) }))
    .sort((a, b) => a.e.at - b.e.at);
  const str = (e: EventObj, key: string) => (typeof e[key] === 'string' ? (e[key] as string) : '');

  for (const { e, path } of events) {
    const vmOf = () => lookup(report, ix, joinPath(path, 'vm'), str(e, 'vm'), ix.vms);
    const lbOf = () => lookup(report, ix, joinPath(path, 'loadBalancer'), str(e, 'loadBalancer'), ix.lbs);
    const nsgOf = () =>
      lookup(report, ix, joinPath(path, 'networkSecurityGroup'), str(e, 'networkSecurityGroup'), ix.nsgs);
    switch (e.action) {
      case 'stopVm':
      case 'startVm':
        vmOf();
        break;
      case 'removePoolMember':
      case 'addPoolMember': {
        const lb = lbOf();
        if (lb !== undefined) lookup(report, ix, joinPath(path, 'pool'), str(e, 'pool'), lb.pools);
        lookup(report, ix, joinPath(path, 'networkInterface'), str(e, 'networkInterface'), ix.nics);
        break;
      }
      case 'setListener':
      case 'removeListener': {
        const vm = vmOf();
        const name = str(e, 'listener');
        if (vm !== undefined && !vm.listenerNames.has(name) && !created.has(`listener:${vm.v.name}/${name}`)) {
          // Assumption: setListener changes an existing listener, or adds one when it gives a port.
          if (e.action === 'removeListener' || e.port === undefined) {
            report.error(
              joinPath(path, 'listener'),
              noSuch('listener', name, ` on virtual machine ${q(vm.v.name)}`, vm.listenerNames),
            );
          }
        }
        if (e.action === 'setListener') {
          if (vm !== undefined) created.add(`listener:${vm.v.name}/${name}`);
          if (typeof e.address === 'string' && parseAddress(e.address) === null)
            report.error(joinPath(path, 'address'), badAddress(e.address));
          checkListenerBody(report, e as Partial<Listener>, path);
        }
        break;
      }
      case 'setSecurityRule': {
        const nsg = nsgOf();
        const rule = child<SecurityRule>(e, 'rule', SECURITY_RULE, path);
        if (rule === undefined) break;
        checkSecurityRuleSyntax(report, rule.v, rule.path);
        if (nsg !== undefined) {
          created.add(`nsgRule:${nsg.v.name}/${rule.v.name}`);
          const clash = nsg.rules.find(
            (r) => r.v.name !== rule.v.name && r.v.direction === rule.v.direction && r.v.priority === rule.v.priority,
          );
          if (clash !== undefined) {
            report.error(
              joinPath(rule.path, 'priority'),
              `priority ${rule.v.priority} is already used by ${rule.v.direction.toLowerCase()} rule ${q(clash.v.name)} of network security group ${q(nsg.v.name)}`,
            );
          }
        }
        break;
      }
      case 'removeSecurityRule': {
        const nsg = nsgOf();
        const name = str(e, 'rule');
        if (
          nsg !== undefined &&
          !namesWritten(nsg.v, 'securityRules').has(name) &&
          !created.has(`nsgRule:${nsg.v.name}/${name}`)
        ) {
          report.error(
            joinPath(path, 'rule'),
            noSuch(
              'security rule',
              name,
              ` in network security group ${q(nsg.v.name)}`,
              namesWritten(nsg.v, 'securityRules'),
            ),
          );
        }
        break;
      }
      case 'setProbe': {
        const lb = lbOf();
        const probe = child<HealthProbe>(e, 'probe', PROBE, path);
        if (probe !== undefined)
          checkProbeBody(report, probe.v, probe.path, lb === undefined ? 'Standard' : skuOf(lb.v));
        break;
      }
      case 'setRule': {
        const lb = lbOf();
        const rule = child<LoadBalancingRule>(e, 'rule', LB_RULE, path);
        if (lb === undefined || rule === undefined) break;
        lookup(
          report,
          ix,
          joinPath(rule.path, 'frontendIPConfiguration'),
          rule.v.frontendIPConfiguration,
          lb.frontends,
        );
        lookup(report, ix, joinPath(rule.path, 'backendAddressPool'), rule.v.backendAddressPool, lb.pools);
        if (rule.v.probe !== undefined) lookup(report, ix, joinPath(rule.path, 'probe'), rule.v.probe, lb.probes);
        break;
      }
      case 'setFirewallRule':
      case 'removeFirewallRule': {
        const vm = vmOf();
        if (e.action === 'setFirewallRule') {
          const rule = child<FirewallRule>(e, 'rule', FIREWALL_RULE, path);
          if (rule !== undefined) {
            checkFirewallRule(report, rule.v, rule.path);
            if (vm !== undefined) created.add(`fwRule:${vm.v.name}/${rule.v.name}`);
          }
        } else if (vm !== undefined) {
          const name = str(e, 'rule');
          const names = vm.firewallRules.map((r) => r.v.name);
          if (!names.includes(name) && !created.has(`fwRule:${vm.v.name}/${name}`)) {
            report.error(
              joinPath(path, 'rule'),
              noSuch('firewall rule', name, ` on virtual machine ${q(vm.v.name)}`, names),
            );
          }
        }
        break;
      }
    }
  }
}
