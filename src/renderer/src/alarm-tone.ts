/** A repeating alarm sound: on from start() until stop(). */
export interface AlarmSound {
  start(): void
  stop(): void
}

/** Makes the sound the desktop window plays; specs hand in one that only records. */
export type AlarmSoundMaker = () => AlarmSound

const BEEP_HZ = 880
const BEEP_S = 0.15
const GAP_S = 0.1
const REPEAT_MS = 2000
const VOLUME = 0.2

/**
 * Two short beeps every 2 s from a WebAudio oscillator: no sound file to ship or to fail to
 * load. The audio context is made at the first start (a window may never need one) and kept.
 */
export function webAudioAlarmSound(): AlarmSound {
  let context: AudioContext | null = null
  let timer: ReturnType<typeof setInterval> | null = null

  const beepTwice = (audio: AudioContext): void => {
    const now = audio.currentTime
    for (const start of [now, now + BEEP_S + GAP_S]) {
      const oscillator = audio.createOscillator()
      const gain = audio.createGain()
      oscillator.type = 'square'
      oscillator.frequency.value = BEEP_HZ
      // A short ramp at each end: a square wave cut off dead clicks.
      gain.gain.setValueAtTime(0, start)
      gain.gain.linearRampToValueAtTime(VOLUME, start + 0.01)
      gain.gain.setValueAtTime(VOLUME, start + BEEP_S - 0.01)
      gain.gain.linearRampToValueAtTime(0, start + BEEP_S)
      oscillator.connect(gain).connect(audio.destination)
      oscillator.start(start)
      oscillator.stop(start + BEEP_S)
    }
  }

  return {
    start() {
      if (timer !== null) return
      const audio = (context ??= new AudioContext())
      void audio.resume()
      beepTwice(audio)
      timer = setInterval(() => beepTwice(audio), REPEAT_MS)
    },
    stop() {
      if (timer !== null) clearInterval(timer)
      timer = null
    }
  }
}
