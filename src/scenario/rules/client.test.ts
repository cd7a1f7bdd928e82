/**
 * Clients (rules/client.ts), beyond the one-per-rule tests of rules.test.ts: how many hosts a
 * prefix holds, overlap with any range of a VNet, which addresses a client's listeners may bind,
 * and what owns a traffic destination (ownerOf: a NIC's public IP, a loopback, a client's hosts,
 * 127/8).
 */

import { describe, expect, it } from 'vitest';
import type { Client, Scenario, Traffic, VirtualMachine, VirtualNetwork } from '../types';
import { rich } from './testing';

type Change = (s: Scenario) => void;

const at = (path: string, fragment: string) => ({ path, message: expect.stringContaining(fragment) });
/** The diagnostics at `path` exactly. */
const atPath = (list: { path: string; message: string }[], path: string) => list.filter((d) => d.path === path);

const vm = (s: Scenario, i = 0) => (s.virtualMachines as VirtualMachine[])[i] as VirtualMachine;
const client = (s: Scenario, i = 0) => (s.clients as Client[])[i] as Client;
const traffic = (s: Scenario, i = 0) => (s.traffic as Traffic[])[i] as Traffic;
// The rich fixture's clients: onprem (192.168.2.1), users (203.0.113.0/24, 200), echo (198.51.100.7).
const USERS = 1;
const ECHO = 2;

describe('how many clients a prefix holds', () => {
  it('a /31 holds two hosts (no network or broadcast address to leave out)', () => {
    const count = (n: number) =>
      atPath(
        rich((s) => Object.assign(client(s, USERS), { ipAddress: '203.0.113.0/31', count: n })).errors,
        'clients[1].count',
      );
    expect(count(2)).toEqual([]);
    expect(count(3)).toEqual([
      { path: 'clients[1].count', message: '3 clients do not fit in 203.0.113.0/31, which has 2 host addresses' },
    ]);
  });
});

describe('a client overlapping a virtual network', () => {
  it('any range of the VNet counts, and the message lists them all', () => {
    const result = rich((s) => {
      ((s.vnets as VirtualNetwork[])[0] as VirtualNetwork).addressSpace.push('10.3.0.0/16');
      Object.assign(client(s, 0), { ipAddress: '10.3.0.5' });
    });
    expect(atPath(result.errors, 'clients[0].ipAddress')).toEqual([
      {
        path: 'clients[0].ipAddress',
        message:
          '10.3.0.5 overlaps virtual network "spoke" (10.2.0.0/16, 10.3.0.0/16): a client outside the VNets needs addresses of its own',
      },
    ]);
  });
});

describe("a client's listeners bind its own addresses", () => {
  const bind = (index: number, address: string) =>
    atPath(
      rich((s) => (client(s, index).listeners = [{ name: 'http', port: 80, address }])).errors,
      `clients[${index}].listeners[0].address`,
    );
  it('a single client binds its address', () => {
    expect(bind(ECHO, '198.51.100.7')).toEqual([]);
    expect(bind(ECHO, '198.51.100.8')).toEqual([
      at('clients[2].listeners[0].address', '198.51.100.8 is not an address of client "echo"'),
    ]);
  });
  it('a prefix of clients binds its host addresses, from the first to the last', () => {
    expect(bind(USERS, '203.0.113.1')).toEqual([]);
    expect(bind(USERS, '203.0.113.200')).toEqual([]);
    expect(bind(USERS, '203.0.113.0')).toEqual([
      at('clients[1].listeners[0].address', '203.0.113.0 is not an address of client "users"'),
    ]);
    expect(bind(USERS, '203.0.113.201')).toEqual([
      at('clients[1].listeners[0].address', '203.0.113.201 is not an address of client "users"'),
    ]);
  });
});

describe('what owns a traffic destination', () => {
  /** The "nothing has this address" warning for web02's traffic to `to`, after `change`. */
  const nowhere = (to: string, change: Change = () => {}) =>
    atPath(
      rich((s) => {
        change(s);
        traffic(s, 3).to = to;
      }).warnings,
      'traffic[3].to',
    ).filter((w) => w.message.includes('nothing in the scenario has address'));
  const publicIp: Change = (s) => {
    const config = vm(s, 0).networkInterfaces[0]?.ipConfigurations?.[0];
    if (config !== undefined) config.publicIPAddress = '20.50.1.20';
  };
  it("a NIC's public IP", () => {
    expect(nowhere('20.50.1.20:80', publicIp)).toEqual([]);
    expect(nowhere('20.50.1.21:80', publicIp)).toHaveLength(1);
  });
  it('a loopback that is no frontend', () => {
    const loopback: Change = (s) => vm(s, 1).loopbackInterfaces?.push({ name: 'lo-2', ipAddress: '192.0.2.10' });
    expect(nowhere('192.0.2.10:80', loopback)).toEqual([]);
    expect(nowhere('192.0.2.11:80', loopback)).toHaveLength(1);
  });
  it("a client's hosts, up to the last", () => {
    expect(nowhere('203.0.113.200:80')).toEqual([]);
    expect(nowhere('203.0.113.201:80')).toEqual([
      {
        path: 'traffic[3].to',
        message:
          'nothing in the scenario has address 203.0.113.201 (no NIC, frontend, loopback or client): the traffic goes nowhere',
      },
    ]);
  });
  it('a client whose address does not parse owns nothing', () => {
    expect(nowhere('0.0.0.0:80', (s) => Object.assign(client(s, ECHO), { ipAddress: 'echo' }))).toHaveLength(1);
  });
  it("the sender's own loopback range, 127.0.0.0/8", () => {
    expect(nowhere('127.0.0.1:8080')).toEqual([]);
  });
});
