/** Regular expressions over the numbers Redis prints. */

/**
 * A regular expression for the whole numbers at least `n`, e.g. `([2-9]|[1-9][0-9]+)` for 2.
 * INFO prints counts without leading zeros.
 */
export function wholeNumbersAtLeast(n: number): string {
  const digits = String(n);
  const alternatives: string[] = [];
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[i]);
    const rest = digits.length - i - 1;
    const tail = rest > 0 ? `[0-9]{${rest}}` : '';
    if (i === digits.length - 1) alternatives.push(`${digits.slice(0, i)}[${digit}-9]`);
    else if (digit < 9) alternatives.push(`${digits.slice(0, i)}[${digit + 1}-9]${tail}`);
  }
  alternatives.push(digits.length === 1 ? '[1-9][0-9]+' : `[1-9][0-9]{${digits.length},}`);
  return `(${alternatives.join('|')})`;
}
