import { resolve } from 'node:path'

import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'

// The main build has two entries: the Electron shell (index) and the headless CLI (cli).
// Both bundle src/main/core; the CLI output runs in plain Node with no Electron at all.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/main/cli/index.ts'),
          // The device-side library, `lookout/reporter`: plain Node, like the CLI.
          reporter: resolve(__dirname, 'src/reporter/index.ts')
        }
      }
    }
  },
  preload: {},
  renderer: {
    plugins: [react()],
    // electron-vite leaves the renderer unminified; remote browsers on the LAN load it too.
    // ECharts and React get chunks of their own: they change less often than the console's code.
    build: {
      minify: true,
      // The ECharts chunk holds only the parts used (line, grid, tooltip, legend, canvas).
      chunkSizeWarningLimit: 600,
      rollupOptions: {
        output: {
          manualChunks(id) {
            if (/node_modules[\\/](echarts|zrender)[\\/]/.test(id)) return 'echarts'
            if (/node_modules[\\/](react|react-dom|scheduler)[\\/]/.test(id)) return 'react'
            return undefined
          }
        }
      }
    }
  }
})
