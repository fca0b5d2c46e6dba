/**
 * A referral code as codes are matched: they are upper case (CONTRACT §1) and
 * matched case-insensitively, people type them. Only ASCII letters fold, so no
 * Unicode case mapping (ß → SS) can turn one code into another.
 */
export const foldedCode = (code: string): string =>
  code.replace(/[a-z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) - 32));
