/** An email address that may wrap after the "@" on narrow screens instead of mid-word. */
export function EmailAddress({ email, className }: { email: string; className?: string }) {
  const at = email.indexOf('@');
  if (at < 0) {
    return <span className={className}>{email}</span>;
  }
  return (
    <span className={className}>
      {email.slice(0, at + 1)}
      <wbr />
      {email.slice(at + 1)}
    </span>
  );
}
