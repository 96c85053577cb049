// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest'

import type { AlarmSound } from '../../../src/renderer/src/alarm-tone'
import { AlarmSignals } from '../../../src/renderer/src/panels/alarm-signals'
import { alarm } from '../support/alarm-fixtures'
import { fakeBridge, renderConsole, type Rendered } from '../support/render-console'

let rendered: Rendered | undefined
afterEach(() => rendered?.unmount())

/** A sound that only records: the spec hears what the window would. */
function recordingSound() {
  const log: string[] = []
  let made = 0
  const make = (): AlarmSound => {
    made++
    return { start: () => log.push('start'), stop: () => log.push('stop') }
  }
  return { make, log, made: () => made }
}

describe('AlarmSignals', () => {
  it('sounds in the desktop window for an unacked critical alarm, until it is acked', async () => {
    const sound = recordingSound()
    rendered = await renderConsole(<AlarmSignals makeSound={sound.make} />, {
      bridge: fakeBridge('desktop'),
      alarms: [alarm({ id: 'a' })]
    })
    expect(sound.log).toEqual(['start'])
    // Another alarm changing keeps the one tone going: it does not start over.
    await rendered.sendAlarms([alarm({ id: 'b', severity: 'high' })])
    expect(sound.log).toEqual(['start'])
    await rendered.sendAlarms([
      alarm({ id: 'a', state: 'active-acked' }),
      alarm({ id: 'b', state: 'normal' })
    ])
    expect(sound.log).toEqual(['start', 'stop'])
  })

  it('stops when silenced, though the alarm stays unacknowledged, and again for a new one', async () => {
    const sound = recordingSound()
    rendered = await renderConsole(<AlarmSignals makeSound={sound.make} />, {
      bridge: fakeBridge('desktop'),
      alarms: [alarm({ id: 'a', state: 'cleared-unacked' })]
    })
    await rendered.sendAlarms([alarm({ id: 'a', state: 'cleared-unacked', silenced: true })])
    expect(sound.log).toEqual(['start', 'stop'])
    await rendered.sendAlarms([alarm({ id: 'c', severity: 'high' })])
    expect(sound.log).toEqual(['start', 'stop', 'start'])
    expect(sound.made()).toBe(1) // one sound, started again
  })

  it('stays quiet for medium and low alarms', async () => {
    const sound = recordingSound()
    rendered = await renderConsole(<AlarmSignals makeSound={sound.make} />, {
      bridge: fakeBridge('desktop'),
      alarms: [alarm({ id: 'm', severity: 'medium' }), alarm({ id: 'l', severity: 'low' })]
    })
    expect(sound.log).toEqual([])
  })

  it('in a browser, puts the unacked count in the title and the alarm icon, never a sound', async () => {
    document.head.innerHTML = '<title>Lookout</title><link rel="icon" href="./icon.svg" />'
    const icon = () => document.querySelector('link[rel="icon"]')!.getAttribute('href')
    const sound = recordingSound()
    rendered = await renderConsole(<AlarmSignals makeSound={sound.make} />, {
      bridge: fakeBridge('browser'),
      alarms: [alarm({ id: 'a' }), alarm({ id: 'b', severity: 'low', state: 'cleared-unacked' })]
    })
    expect(document.title).toBe('(2) Lookout')
    expect(icon()).toBe('./icon-alarm.svg')
    await rendered.sendAlarms([alarm({ id: 'a', state: 'active-acked' })])
    expect(document.title).toBe('(1) Lookout')
    await rendered.sendAlarms([alarm({ id: 'b', state: 'normal' })])
    expect(document.title).toBe('Lookout')
    expect(icon()).toBe('./icon.svg')
    expect(sound.log).toEqual([])
  })
})
