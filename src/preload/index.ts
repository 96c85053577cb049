import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'

import type { Envelope } from '../shared/envelope'
import type { ExportProgress } from '../shared/history-types'
import {
  EXPORT_PROGRESS_CHANNEL,
  IPC_CHANNELS,
  IPC_EVENTS,
  type ConsoleIpcApi,
  type IpcEventListener,
  type IpcEventName
} from '../shared/ipc-contract'

/** Invokes a contract channel and turns the envelope back into a value or a thrown Error. */
async function call<T>(channel: string, ...args: unknown[]): Promise<T> {
  const result = (await ipcRenderer.invoke(channel, ...args)) as Envelope<T>
  if (result.ok) return result.data
  throw Object.assign(new Error(result.error.message), { code: result.error.code })
}

function on<E extends IpcEventName>(event: E, listener: IpcEventListener<E>): () => void {
  const channel = IPC_EVENTS[event]
  // The renderer's listener never sees the IPC event object (it carries `sender`).
  const forward = (_event: IpcRendererEvent, payload: unknown): void =>
    listener(payload as Parameters<IpcEventListener<E>>[0])
  ipcRenderer.on(channel, forward)
  return () => void ipcRenderer.removeListener(channel, forward)
}

function onExportProgress(listener: (progress: ExportProgress) => void): () => void {
  const forward = (_event: IpcRendererEvent, progress: unknown): void =>
    listener(progress as ExportProgress)
  ipcRenderer.on(EXPORT_PROGRESS_CHANNEL, forward)
  return () => void ipcRenderer.removeListener(EXPORT_PROGRESS_CHANNEL, forward)
}

// Named functions only: the renderer never gets ipcRenderer itself.
const api: ConsoleIpcApi = {
  getStatus: () => call(IPC_CHANNELS.getStatus),
  openLive: () => call(IPC_CHANNELS.openLive),
  queryReports: (query) => call(IPC_CHANNELS.queryReports, query),
  series: (query) => call(IPC_CHANNELS.series, query),
  exportReports: (query, id) => call(IPC_CHANNELS.exportReports, query, id),
  cancelExport: (id) => call(IPC_CHANNELS.cancelExport, id),
  sendMessage: (request) => call(IPC_CHANNELS.sendMessage, request),
  messageStatus: (id) => call(IPC_CHANNELS.messageStatus, id),
  copyViewUrl: () => call(IPC_CHANNELS.copyViewUrl),
  copyText: (text) => call(IPC_CHANNELS.copyText, text),
  deviceTokens: () => call(IPC_CHANNELS.deviceTokens),
  createDeviceToken: (request) => call(IPC_CHANNELS.createDeviceToken, request),
  revokeDeviceToken: (id) => call(IPC_CHANNELS.revokeDeviceToken, id),
  setDeviceTokensRequired: (required) => call(IPC_CHANNELS.setDeviceTokensRequired, required),
  alarms: (query) => call(IPC_CHANNELS.alarms, query),
  ackAlarm: (id, request) => call(IPC_CHANNELS.ackAlarm, id, request),
  shelveAlarm: (id, request) => call(IPC_CHANNELS.shelveAlarm, id, request),
  unshelveAlarm: (id) => call(IPC_CHANNELS.unshelveAlarm, id),
  silenceAlarm: (id) => call(IPC_CHANNELS.silenceAlarm, id),
  setDeviceMaintenance: (device, request) =>
    call(IPC_CHANNELS.setDeviceMaintenance, device, request),
  alarmRules: (query) => call(IPC_CHANNELS.alarmRules, query),
  createAlarmRule: (rule) => call(IPC_CHANNELS.createAlarmRule, rule),
  updateAlarmRule: (id, rule) => call(IPC_CHANNELS.updateAlarmRule, id, rule),
  deleteAlarmRule: (id) => call(IPC_CHANNELS.deleteAlarmRule, id),
  previewAlarmRule: (rule) => call(IPC_CHANNELS.previewAlarmRule, rule),
  alarmEvents: (query) => call(IPC_CHANNELS.alarmEvents, query),
  exportAlarmEvents: (query, id) => call(IPC_CHANNELS.exportAlarmEvents, query, id),
  alarmStats: () => call(IPC_CHANNELS.alarmStats),
  sources: () => call(IPC_CHANNELS.sources),
  createSource: (config) => call(IPC_CHANNELS.createSource, config),
  updateSource: (id, config) => call(IPC_CHANNELS.updateSource, id, config),
  deleteSource: (id) => call(IPC_CHANNELS.deleteSource, id),
  on,
  onExportProgress
}

contextBridge.exposeInMainWorld('api', api)
