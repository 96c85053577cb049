/** English: the source language. Every other language has exactly these keys (type-checked). */
export const en = {
  app: { title: 'Lookout', version: 'v{{version}}' },
  language: { label: 'Language' },
  link: {
    local: 'Local console',
    live: 'Live',
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting… (lost {{age}})',
    refused: 'Refused',
    throttled_short: 'Too many wrong keys',
    throttled:
      'Too many wrong keys from this address: the console refuses it for a while. Trying again by itself in {{seconds}} s.',
    failed: 'Console stopped',
    stale: 'Link lost {{age}} — showing the data as of {{time}}; reconnecting by itself.',
    missed_slow:
      'This view missed {{count}} reports (its link was too slow) and was refreshed; all are stored.',
    missed_overload:
      '{{count}} reports arrived faster than a view can show and were left out of the feed; all are stored.'
  },
  header: {
    ingest: 'Devices report to',
    remoteView: 'Remote view (read-only)',
    show: 'Show',
    hide: 'Hide',
    copy: 'Copy',
    copied: 'Copied',
    copyFailed: 'Could not copy',
    devices: 'Devices online',
    rate: 'Reports/s',
    viewers: 'Viewers',
    clients: 'Push clients online',
    dataAge: 'Data from {{age}}',
    role_operator: 'Operator',
    role_viewer: 'Read-only'
  },
  key: {
    title: 'Open the Lookout console',
    prompt: 'Enter the key you were given: the view key to watch, the access key to operate.',
    label: 'Key',
    submit: 'Open',
    wrong_key: 'That key is wrong.',
    no_key: 'A key is required.'
  },
  failed: {
    title: 'The console could not start',
    retry: 'Fix the cause and restart Lookout.'
  },
  loading: 'Connecting to the console…',
  devices: {
    title: 'Devices',
    filter: 'Filter devices',
    empty: 'No device has reported yet. Point a device at {{address}}.',
    noMatch: 'No device matches “{{filter}}”.',
    online: 'Online',
    offline: 'Offline',
    id: 'Device',
    identity: 'Identity',
    lastSeen: 'Last seen',
    perMinute: 'Reports/min',
    stale: 'No report for {{age}}'
  },
  feed: {
    title: 'Report feed',
    pause: 'Pause',
    resume: 'Resume',
    newWhilePaused: '{{count}} new',
    allDevices: 'All devices',
    filterDevice: 'Show device',
    moreDevices: '{{formatted}} more: type to narrow',
    noDevice: 'No such device',
    empty: 'Waiting for reports…',
    emptyFiltered: 'No report from {{device}} in the feed.',
    rows: '{{formatted}} reports kept',
    time: 'Time',
    device: 'Device',
    payload: 'Report',
    expand: 'Show the whole report',
    collapse: 'Hide'
  },
  host: {
    title: 'Host',
    cpu: 'CPU per core',
    core: 'Core {{n}}',
    memory: 'Memory',
    memoryUsed: '{{used}} of {{total}}',
    total: 'All cores',
    empty: 'Waiting for the first host sample…',
    sampleAge: 'Sampled {{age}}'
  },
  detail: {
    title: 'Device {{id}}',
    close: 'Close',
    field: 'Field',
    noField: 'No such field',
    moreFields: '{{formatted}} more: type to narrow',
    range: 'Range',
    range_15m: 'Last 15 minutes',
    range_1h: 'Last hour',
    range_6h: 'Last 6 hours',
    range_24h: 'Last 24 hours',
    loading: 'Loading history…',
    noNumeric: 'This device’s reports have no numeric field to chart.',
    noData: 'No report in this range.',
    points: '{{count}} points',
    truncated: 'the newest 10,000 only: from {{time}}',
    latest: 'Latest report',
    error: 'Could not load the history: {{message}}'
  },
  push: {
    title: 'Push clients',
    empty: 'No push client has registered yet.',
    uid: 'Client',
    token: 'Token',
    since: 'Connected',
    lastReceipt: 'Last receipt',
    filter: 'Filter clients',
    noMatch: 'No client matches “{{filter}}”.',
    none: '—',
    send: 'Send a message',
    to: 'To',
    toAll: 'All clients',
    noClient: 'No such client',
    moreClients: '{{formatted}} more: type to narrow',
    message: 'Message (text or JSON)',
    submit: 'Send',
    sending: 'Sending…',
    sent: 'Message {{id}}',
    recipients: '{{formatted}} recipients',
    moreRecipients: '{{formatted}} more',
    failed: 'Not sent: {{message}}',
    state_queued: 'queued',
    state_sent: 'sent',
    state_delivered: 'delivered',
    state_expired: 'expired',
    state_dropped: 'dropped',
    readOnly: 'Sending needs the access key.'
  },
  tokens: {
    open: 'Device tokens',
    title: 'Device tokens',
    required: 'Every device needs a token',
    requiredHint:
      'Off: any device on the network may report (as “anonymous”). On: a report without a valid token is refused with “unauthorized”.',
    fromFile: 'A tokens file (--device-tokens) is in force: tokens are required.',
    identity: 'Identity',
    devices: 'Device ids (patterns, optional)',
    anyDevice: 'any',
    create: 'Make a token',
    createdOnce:
      'New token for “{{identity}}”. Copy it now: it is stored only as a digest and will not be shown again.',
    none: 'No token made here yet.',
    created: 'Made',
    revoke: 'Revoke'
  },
  time: { never: 'never' }
}

export type Messages = typeof en
