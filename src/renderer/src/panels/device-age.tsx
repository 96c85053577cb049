import type { DeviceState } from '../../../shared/api-types'
import { formatAgo } from '../format'

/** How long ago the device last reported: "3 sec. ago". */
export function deviceAgeText(device: DeviceState, now: number, lng: string): string {
  return formatAgo(now - device.lastSeen, lng)
}

/**
 * The age of a device's last report wherever a device is shown (its row, its Overview tile):
 * ticking with `now`, and in amber (`data-stale`) once the console counts it offline.
 */
export function DeviceAge(props: {
  device: DeviceState
  now: number
  lng: string
}): React.JSX.Element {
  return (
    <span className="age" data-stale={!props.device.online} data-testid="device-age">
      {deviceAgeText(props.device, props.now, props.lng)}
    </span>
  )
}
