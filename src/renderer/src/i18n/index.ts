import i18next from 'i18next'
import LanguageDetector from 'i18next-browser-languagedetector'
import { initReactI18next } from 'react-i18next'

import { en } from './en'
import { zh } from './zh'

export const LANGUAGES = [
  { code: 'en', label: 'English' },
  { code: 'zh', label: '简体中文' }
] as const

/**
 * English and Simplified Chinese. The language follows the user's choice (kept in local
 * storage), else the browser's or the OS's; `zh-CN`, `zh-Hans` and the like all map to `zh`.
 */
export async function setUpI18n(): Promise<typeof i18next> {
  await i18next
    .use(LanguageDetector)
    .use(initReactI18next)
    .init({
      resources: { en: { translation: en }, zh: { translation: zh } },
      supportedLngs: ['en', 'zh'],
      nonExplicitSupportedLngs: true,
      load: 'languageOnly',
      fallbackLng: 'en',
      interpolation: { escapeValue: false }, // React escapes
      detection: {
        order: ['querystring', 'localStorage', 'navigator'],
        lookupQuerystring: 'lang',
        lookupLocalStorage: 'lookout.lang',
        caches: ['localStorage']
      }
    })
  document.documentElement.lang = i18next.resolvedLanguage ?? 'en'
  i18next.on('languageChanged', (lng) => {
    document.documentElement.lang = lng
  })
  return i18next
}
