import { z } from 'zod';

export const roundingModeSchema = z.enum(['half_even', 'half_up', 'down', 'up']);
export type RoundingMode = z.infer<typeof roundingModeSchema>;

/**
 * `value × basisPoints / 10 000` rounded to an integer, in integer arithmetic
 * (BigInt), so no amount ever passes through a binary fraction.
 */
export function percentOf(value: number, basisPoints: number, mode: RoundingMode): number {
  const numerator = BigInt(value) * BigInt(basisPoints);
  const denominator = 10_000n;
  const quotient = numerator / denominator; // truncates toward zero; values are ≥ 0
  const remainder = numerator % denominator;
  if (remainder === 0n) return Number(quotient);
  switch (mode) {
    case 'down':
      return Number(quotient);
    case 'up':
      return Number(quotient + 1n);
    case 'half_up':
      return Number(2n * remainder >= denominator ? quotient + 1n : quotient);
    case 'half_even': {
      const twice = 2n * remainder;
      if (twice > denominator) return Number(quotient + 1n);
      if (twice < denominator) return Number(quotient);
      return Number(quotient % 2n === 0n ? quotient : quotient + 1n);
    }
    default: {
      const exhaustive: never = mode;
      throw new Error(`unknown rounding mode ${String(exhaustive)}`);
    }
  }
}
