/**
 * The rules *between* fields and resources that an Azure deployment would reject (errors), and
 * what deploys but will not work (warnings). Shape (types, ranges, required fields, unknown
 * fields) is shape.ts's job; this module receives the same raw, migrated document and must never
 * throw on it: it walks every list with its original indices and skips each item that is not well
 * typed (shape.ts already reports it), so that the paths it reports are those of the document.
 *
 * Each level is checked shallowly (its own scalar fields), so one broken listener does not hide
 * the whole virtual machine; nested lists are walked item by item.
 *
 * One file per kind (rules/<kind>.ts), and one for what crosses kinds (addresses.ts); what they
 * share — walking, messages, value syntax, the index by name — is in common.ts.
 *
 * Sources are cited beside each rule; "assumption" marks a rule that is ours.
 */
import { SCENARIO } from '../schema';
import type { Diagnostic } from '../types';
import { checkAddresses } from './addresses';
import { checkClients } from './client';
import { buildIndex, type Obj, Report, typed } from './common';
import { checkEvents } from './events';
import { checkLoadBalancers } from './lb';
import { checkLesson } from './lesson';
import { checkSecurityGroups } from './nsg';
import { checkRouteTables } from './routeTable';
import { checkTraffic } from './traffic';
import { checkVirtualMachines } from './vm';
import { checkNetwork } from './vnet';

// ---------------------------------------------------------------------------------------------
// The checks

export function checkRules(document: unknown): { errors: Diagnostic[]; warnings: Diagnostic[] } {
  const report = new Report();
  if (!typed(SCENARIO, document)) return report;
  const doc = document as Obj;
  const ix = buildIndex(doc, report);

  checkNetwork(report, ix);
  checkSecurityGroups(report, ix);
  checkRouteTables(report, ix);
  checkVirtualMachines(report, ix);
  checkAddresses(report, ix);
  checkLoadBalancers(report, ix);
  checkClients(report, ix);
  checkTraffic(report, ix);
  checkEvents(report, ix, doc);
  checkLesson(report, ix, doc);
  return report;
}
