import type { NetworkInterfaceInfo } from 'node:os'

import { describe, expect, it } from 'vitest'

import { HostCheck, normalizeHost } from '../../../../src/main/core/auth/host-check'

function iface(address: string, family: 'IPv4' | 'IPv6' = 'IPv4'): NetworkInterfaceInfo {
  return {
    address,
    family,
    netmask: '',
    mac: '00:00:00:00:00:00',
    internal: false,
    cidr: null,
    ...(family === 'IPv6' ? { scopeid: 0 } : {})
  } as NetworkInterfaceInfo
}

describe('HostCheck', () => {
  let addresses: NetworkInterfaceInfo[] = [
    iface('192.168.1.20'),
    iface('fe80::1c2:3ff:fe4:5', 'IPv6')
  ]
  let clock = 0
  const check = new HostCheck({
    listenHost: '0.0.0.0',
    allowedHosts: ['lookout.plant.example', 'PROXY.example.'],
    interfaces: () => ({ eth0: addresses }),
    hostname: () => 'Press-Hall',
    now: () => clock
  })

  it('lets in the console’s own names and addresses, with or without a port', () => {
    for (const host of [
      'localhost:9801',
      'LOCALHOST',
      '127.0.0.1:9801',
      '127.1.2.3',
      '[::1]:9801',
      '192.168.1.20:9801',
      '[fe80::1c2:3ff:fe4:5]:9801',
      'press-hall:9801',
      'press-hall.local:9801',
      'lookout.plant.example:9801',
      'proxy.example',
      'localhost.:9801'
    ])
      expect(check.allows(host), host).toBe(true)
  })

  it('refuses any other name, and what is not a host at all', () => {
    for (const host of [
      'evil.test:9801',
      'localhost.evil.test',
      '192.168.1.21:9801',
      'evil@127.0.0.1',
      '127.0.0.1/x',
      '',
      'lookout.plant.example.evil.test',
      '0.0.0.0:9801'
    ])
      expect(check.allows(host), host).toBe(false)
  })

  it('lets a request without Host through (HTTP/1.0: not a browser)', () => {
    expect(check.allows(undefined)).toBe(true)
  })

  it('reads the interfaces again after a few seconds: a new DHCP address is the console’s own', () => {
    expect(check.allows('10.0.0.7')).toBe(false)
    addresses = [iface('10.0.0.7')]
    clock += 1000
    expect(check.allows('10.0.0.7')).toBe(false) // cached briefly
    clock += 5000
    expect(check.allows('10.0.0.7')).toBe(true)
    expect(check.allows('192.168.1.20')).toBe(false) // the old lease is gone
  })

  it('takes a named listen address as its own', () => {
    const named = new HostCheck({
      listenHost: 'Lookout.lan',
      interfaces: () => ({}),
      hostname: () => 'x'
    })
    expect(named.allows('lookout.lan:9801')).toBe(true)
    expect(named.allows('evil.test:9801')).toBe(false)
  })
})

describe('normalizeHost', () => {
  it('gives one form of a name or address', () => {
    expect(normalizeHost('Lookout.Plant.')).toBe('lookout.plant')
    expect(normalizeHost('[FE80::0001]')).toBe('fe80::1')
    expect(normalizeHost('0x7f.1')).toBe('127.0.0.1')
    expect(normalizeHost('a b')).toBeNull()
  })
})
