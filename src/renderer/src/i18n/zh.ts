import type { Messages } from './en'

/** 简体中文 */
export const zh: Messages = {
  app: { title: 'Lookout 监控台', version: 'v{{version}}' },
  language: { label: '语言' },
  link: {
    local: '本机控制台',
    live: '实时',
    connecting: '正在连接…',
    reconnecting: '正在重连…（已断开 {{age}}）',
    refused: '已拒绝',
    failed: '控制台已停止',
    stale: '连接已断开 {{age}}——显示的是 {{time}} 的数据，正在自动重连。',
    missed_slow: '此视图漏收了 {{count}} 条报告（连接太慢），已刷新；所有报告均已保存。',
    missed_overload:
      '{{count}} 条报告到达过快，超出视图能显示的数量，未列入报告流；所有报告均已保存。'
  },
  header: {
    ingest: '设备上报地址',
    remoteView: '远程查看（只读）',
    show: '显示',
    hide: '隐藏',
    copy: '复制',
    copied: '已复制',
    copyFailed: '无法复制',
    devices: '在线设备',
    rate: '报告/秒',
    viewers: '查看者',
    clients: '在线推送客户端',
    dataAge: '数据来自 {{age}}',
    role_operator: '操作员',
    role_viewer: '只读'
  },
  key: {
    title: '打开 Lookout 监控台',
    prompt: '请输入您获得的密钥：查看密钥用于观看，访问密钥用于操作。',
    label: '密钥',
    submit: '打开',
    wrong_key: '密钥错误。',
    no_key: '需要密钥。',
    throttled: '此地址输错密钥次数过多。{{message}}'
  },
  failed: {
    title: '控制台无法启动',
    retry: '请排除原因后重新启动 Lookout。'
  },
  loading: '正在连接监控台…',
  devices: {
    title: '设备',
    filter: '筛选设备',
    empty: '还没有设备上报。请将设备指向 TCP {{address}}。',
    noMatch: '没有与“{{filter}}”匹配的设备。',
    online: '在线',
    offline: '离线',
    id: '设备',
    identity: '身份',
    lastSeen: '最后上报',
    perMinute: '报告/分钟',
    stale: '已 {{age}} 没有报告'
  },
  feed: {
    title: '报告流',
    pause: '暂停',
    resume: '继续',
    newWhilePaused: '{{count}} 条新报告',
    allDevices: '全部设备',
    filterDevice: '显示设备',
    empty: '正在等待报告…',
    emptyFiltered: '报告流中没有来自 {{device}} 的报告。',
    rows: '保留 {{formatted}} 条报告',
    time: '时间',
    device: '设备',
    payload: '报告',
    expand: '显示完整报告',
    collapse: '收起'
  },
  host: {
    title: '主机',
    cpu: '各核 CPU',
    core: '核心 {{n}}',
    memory: '内存',
    memoryUsed: '已用 {{used}} / 共 {{total}}',
    total: '全部核心',
    empty: '正在等待第一个主机采样…',
    sampleAge: '采样于 {{age}}'
  },
  detail: {
    title: '设备 {{id}}',
    close: '关闭',
    field: '字段',
    range: '时间范围',
    range_15m: '最近 15 分钟',
    range_1h: '最近 1 小时',
    range_6h: '最近 6 小时',
    range_24h: '最近 24 小时',
    loading: '正在加载历史…',
    noNumeric: '此设备的报告中没有可绘制的数值字段。',
    noData: '此范围内没有报告。',
    points: '{{count}} 个点',
    latest: '最新报告',
    error: '无法加载历史：{{message}}'
  },
  push: {
    title: '推送客户端',
    empty: '还没有推送客户端注册。',
    uid: '客户端',
    token: '令牌',
    since: '连接于',
    lastReceipt: '最后回执',
    none: '—',
    send: '发送消息',
    to: '发送给',
    toAll: '全部客户端',
    message: '消息（文本或 JSON）',
    submit: '发送',
    sending: '正在发送…',
    sent: '消息 {{id}}',
    failed: '未发送：{{message}}',
    state_queued: '排队中',
    state_sent: '已发送',
    state_delivered: '已送达',
    state_expired: '已过期',
    state_dropped: '已丢弃',
    readOnly: '发送消息需要访问密钥。'
  },
  tokens: {
    open: '设备令牌',
    title: '设备令牌',
    required: '每台设备都需要令牌',
    requiredHint:
      '关闭：网络上的任何设备都可上报（身份为 “anonymous”）。开启：没有有效令牌的报告将被拒绝（“unauthorized”）。',
    fromFile: '令牌文件（--device-tokens）已生效：必须使用令牌。',
    identity: '身份',
    devices: '设备 ID（模式，可选）',
    anyDevice: '任意',
    create: '生成令牌',
    createdOnce: '已为 “{{identity}}” 生成新令牌。请立即复制：它只以摘要形式保存，不会再次显示。',
    none: '尚未在此生成令牌。',
    created: '生成于',
    revoke: '吊销'
  },
  time: { never: '从未' }
}
