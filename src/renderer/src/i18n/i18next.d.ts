import 'i18next'

import type { Messages } from './en'

// Typed keys: t('devices.titel') fails to compile.
declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: Messages }
  }
}
