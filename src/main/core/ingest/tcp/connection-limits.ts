/**
 * How many device connections the console takes, in all and from one address. The defaults
 * serve a plant of 1,000 devices connecting at once, up to 50 of them behind one gateway.
 */
export class ConnectionLimits {
  private total = 0
  private readonly perAddress = new Map<string, number>()

  /**
   * @param limitLoopback whether the per-address limit applies to this machine's own address:
   *   by default it does not, so local simulators and gateways running on the console's PC are
   *   not cut off (the total limit still applies)
   */
  constructor(
    readonly maxTotal: number,
    readonly maxPerAddress: number,
    private readonly limitLoopback = false
  ) {}

  /** Takes a slot for `address`, or returns why not. */
  admit(address: string): string | null {
    if (this.total >= this.maxTotal)
      return `the console takes at most ${this.maxTotal} device connections`
    const mine = this.perAddress.get(address) ?? 0
    if (mine >= this.maxPerAddress && (this.limitLoopback || !isLoopback(address))) {
      return `the console takes at most ${this.maxPerAddress} connections from one address`
    }
    this.total += 1
    this.perAddress.set(address, mine + 1)
    return null
  }

  release(address: string): void {
    this.total -= 1
    const mine = (this.perAddress.get(address) ?? 1) - 1
    if (mine <= 0) this.perAddress.delete(address)
    else this.perAddress.set(address, mine)
  }
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')
}
