import { DataType, VariantArrayType, type Variant } from 'node-opcua-client'

/** A Variant as a report's value, or why it is not one (said once per field by the driver). */
export type ValueOf = { value: number | boolean | string } | { skip: string }

const NUMBERS = new Set([
  DataType.SByte,
  DataType.Byte,
  DataType.Int16,
  DataType.UInt16,
  DataType.Int32,
  DataType.UInt32,
  DataType.Float,
  DataType.Double
])

/** node-opcua's 64-bit integers are `[high, low]` words; a number only while it is exact. */
function wideNumber(words: unknown, signed: boolean): ValueOf {
  if (!Array.isArray(words) || words.length !== 2) return { skip: 'a malformed 64-bit integer' }
  const [high, low] = words as [number, number]
  // The high word may come unsigned (0x80000000 and up) for a negative Int64.
  const top = signed && high >= 0x8000_0000 ? high - 0x1_0000_0000 : high
  const value = top * 0x1_0000_0000 + low
  return Number.isSafeInteger(value)
    ? { value }
    : { skip: 'a 64-bit integer beyond 2^53 (not exact as a number)' }
}

/**
 * Int/UInt/Float/Double → number, Boolean, String, Int64/UInt64 → number when exact, DateTime →
 * epoch ms. Arrays, structures, NaN and the like are no report value.
 */
export function valueOf(variant: Variant | null | undefined): ValueOf {
  if (variant === null || variant === undefined) return { skip: 'no value' }
  const type = DataType[variant.dataType] ?? String(variant.dataType)
  if (variant.arrayType !== undefined && variant.arrayType !== VariantArrayType.Scalar)
    return { skip: `an array of ${type}` }
  const raw: unknown = variant.value
  if (raw === null || raw === undefined) return { skip: `an empty ${type}` }
  if (NUMBERS.has(variant.dataType)) {
    return typeof raw === 'number' && Number.isFinite(raw)
      ? { value: raw }
      : { skip: `a ${type} that is not a finite number` }
  }
  switch (variant.dataType) {
    case DataType.Boolean:
      return typeof raw === 'boolean' ? { value: raw } : { skip: 'a malformed Boolean' }
    case DataType.String:
      return typeof raw === 'string' ? { value: raw } : { skip: 'a malformed String' }
    case DataType.Int64:
      return wideNumber(raw, true)
    case DataType.UInt64:
      return wideNumber(raw, false)
    case DataType.DateTime: {
      const ms = raw instanceof Date ? raw.getTime() : Number.NaN
      return Number.isFinite(ms) ? { value: ms } : { skip: 'a DateTime that is no date' }
    }
    default:
      return { skip: `a ${type} (not a number, boolean or string)` }
  }
}
