import type { AlarmRule } from '../../../shared/alarm-types'
import { OperationError } from '../operations/operation-error'
import type { DocumentCollection } from '../persistence/document-collection'
import type { PersistenceBackend } from '../persistence/persistence-backend'
import { silentLogger, type Logger } from '../runtime/logger'
import { checkAlarmRule, fieldPathText } from './alarm-rule-schema'

/**
 * The rules made in the console (the API, the window), kept in a collection (`alarm-rules`;
 * NeDB: `alarm-rules.db`) and in memory: the engine asks for them on every change, and there are
 * at most a few thousand. Rules come in parsed (parseAlarmRule); each change is made in memory
 * at once and written in call order, so two requests for one id cannot both succeed.
 */
export class ConsoleAlarmRules {
  private readonly byId = new Map<string, AlarmRule>()

  private constructor(private readonly ds: DocumentCollection<AlarmRule>) {}

  /**
   * Opens the collection and reads the rules. A stored rule this version no longer takes is
   * left out with a warning, not a failed start: the console must come up to be fixed.
   */
  static async open(
    persistence: Pick<PersistenceBackend, 'collection'>,
    logger: Logger = silentLogger()
  ): Promise<ConsoleAlarmRules> {
    const ds = await persistence.collection<AlarmRule>('alarm-rules', { unique: 'id' })
    const rules = new ConsoleAlarmRules(ds)
    for (const doc of await ds.find()) {
      const checked = checkAlarmRule(doc)
      if ('rule' in checked) rules.byId.set(checked.rule.id, checked.rule)
      else
        logger.warn(
          { rule: doc.id, reason: `${fieldPathText(checked.path)}: ${checked.message}` },
          'a stored alarm rule was left out: this version does not take it'
        )
    }
    return rules
  }

  /** The rules, by name. */
  list(): AlarmRule[] {
    return [...this.byId.values()]
      .sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((rule) => structuredClone(rule))
  }

  get(id: string): AlarmRule | undefined {
    const rule = this.byId.get(id)
    return rule === undefined ? undefined : structuredClone(rule)
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  /** Adds a rule; `conflict` when its id is taken. */
  async create(rule: AlarmRule): Promise<void> {
    if (this.byId.has(rule.id))
      throw new OperationError('conflict', `id: there is a rule ${rule.id} already`)
    const kept = structuredClone(rule)
    this.byId.set(rule.id, kept)
    try {
      await this.ds.insert(structuredClone(kept))
    } catch (error) {
      if (this.byId.get(rule.id) === kept) this.byId.delete(rule.id)
      throw error
    }
  }

  /** Replaces the rule `id` as a whole (fields left out are gone); `not_found` when there is none. */
  async replace(id: string, rule: AlarmRule): Promise<void> {
    if (!this.byId.has(id)) throw new OperationError('not_found', `no alarm rule ${id}`)
    if (rule.id !== id)
      throw new OperationError('bad_request', `id: the rule replacing ${id} must keep its id`)
    const kept = structuredClone(rule)
    this.byId.set(id, kept)
    // Removed and inserted, not updated: an update sets fields and would keep those left out
    // (an `above` replaced by a `below`). The collection applies the two in call order.
    await Promise.all([this.ds.remove({ id }), this.ds.insert(structuredClone(kept))])
  }

  /** Replaces every rule (`PUT /api/alarm-rules`); `bad_request` when two share an id. */
  async replaceAll(rules: readonly AlarmRule[]): Promise<void> {
    const next = new Map<string, AlarmRule>()
    for (const rule of rules) {
      if (next.has(rule.id))
        throw new OperationError('bad_request', `id: two rules have the id ${rule.id}`)
      next.set(rule.id, structuredClone(rule))
    }
    this.byId.clear()
    for (const [id, rule] of next) this.byId.set(id, rule)
    const docs = [...next.values()].map((rule) => structuredClone(rule))
    await Promise.all([this.ds.remove({}), docs.length > 0 && this.ds.insert(docs)])
  }

  /** Deletes the rule `id`; `not_found` when there is none. */
  async remove(id: string): Promise<void> {
    if (!this.byId.delete(id)) throw new OperationError('not_found', `no alarm rule ${id}`)
    await this.ds.remove({ id })
  }
}
