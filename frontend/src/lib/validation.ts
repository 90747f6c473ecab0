/**
 * The few checks the SPA makes before sending a form, so people get an answer without a round
 * trip. The server checks everything again; its field errors are shown the same way.
 * Each function answers a field-error code (see `fieldErrors.*` in the catalogues) or undefined.
 */
export function requiredText(value: string): string | undefined {
  return value.trim() === '' ? 'required' : undefined;
}

export function emailAddress(value: string): string | undefined {
  const v = value.trim();
  if (v === '') {
    return 'required';
  }
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? undefined : 'invalid_email';
}

/** The server's password policy: 12 to 128 characters, counted as characters (not bytes). */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

export function passwordLength(password: string): number {
  return [...password].length;
}

export function passwordLengthOk(password: string): boolean {
  const n = passwordLength(password);
  return n >= PASSWORD_MIN && n <= PASSWORD_MAX;
}

/** Field-error codes of a new password and its repetition (the server also refuses guessable ones). */
export function newPasswordProblems(password: string, confirm: string): { password?: string; confirm?: string } {
  const out: { password?: string; confirm?: string } = {};
  const n = passwordLength(password);
  if (n === 0) {
    out.password = 'required';
  } else if (n < PASSWORD_MIN) {
    out.password = 'too_short';
  } else if (n > PASSWORD_MAX) {
    out.password = 'too_long';
  }
  if (!out.password && confirm !== password) {
    out.confirm = 'mismatch';
  }
  return out;
}
