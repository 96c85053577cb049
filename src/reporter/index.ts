/** `lookout/reporter`: send a device's reports to a Lookout console. */
export { Reporter, ReporterError, type ReporterOptions, type ReporterStats } from './reporter'
