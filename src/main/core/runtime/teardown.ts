import type { Logger } from './logger'

interface Step {
  name: string
  run: () => unknown
}

/**
 * What a start built, to be stopped in reverse order: each part adds its stop as soon as it
 * exists, so a start that fails half way stops exactly what it had built, and a full stop
 * closes every part after the ones that use it.
 */
export class Teardown {
  private readonly steps: Step[] = []

  add(name: string, run: () => unknown): void {
    this.steps.push({ name, run })
  }

  /**
   * Runs every step, last added first. A step that fails is logged and the others still run:
   * a port that would not close must not keep the store from being written. Throws the first
   * failure at the end.
   */
  async run(logger: Logger): Promise<void> {
    let failure: { error: unknown } | undefined
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run()
      } catch (error) {
        logger.error({ err: error, part: step.name }, 'a part failed to stop')
        failure ??= { error }
      }
    }
    if (failure !== undefined) throw failure.error
  }
}
