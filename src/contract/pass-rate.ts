/** A non-negative rational number `num / den`, exactly. */
export interface Ratio {
  num: bigint;
  den: bigint;
}

/**
 * The decimal a rate was written as: the shortest decimal that reads back as the same number
 * (JavaScript's own `String(rate)`), so `0.984` is 984/1000 and not the binary fraction nearest it.
 */
export function decimalRatio(rate: number): Ratio {
  if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`not a rate: ${rate}`);
  const [mantissa = '0', exponent = '0'] = String(rate).toLowerCase().split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  const scale = fraction.length - Number(exponent);
  const digits = BigInt(`${whole}${fraction}`);
  return scale >= 0
    ? { num: digits, den: 10n ** BigInt(scale) }
    : { num: digits * 10n ** BigInt(-scale), den: 1n };
}

/** True when `passed / judged` reaches the gate, compared exactly (123/125 reaches 0.984). */
export function meetsGate(passed: number, judged: number, gate: number): boolean {
  const { num, den } = decimalRatio(gate);
  return BigInt(passed) * den >= num * BigInt(judged);
}
