import { useId } from 'react';

import { PasswordField } from '@/components/forms/password-field';
import { useI18n } from '@/lib/i18n/i18n';
import { passwordLength, passwordLengthOk } from '@/lib/validation';

/**
 * A new password and its repetition, with the policy as live hints under the first field.
 * The length rule updates as the user types; the "hard to guess" rule is checked by the server
 * (common passwords, the user's own name or email) and its answer shows as the field's error.
 */
export function NewPasswordFields({
  password,
  confirm,
  onPasswordChange,
  onConfirmChange,
  passwordLabel,
  confirmLabel,
  passwordError,
  confirmError,
  name = 'new-password',
}: {
  password: string;
  confirm: string;
  onPasswordChange: (value: string) => void;
  onConfirmChange: (value: string) => void;
  passwordLabel: string;
  confirmLabel: string;
  passwordError?: string | undefined;
  confirmError?: string | undefined;
  name?: string;
}) {
  const { t, tn } = useI18n();
  const rulesId = useId();
  const length = passwordLength(password);
  const lengthOk = passwordLengthOk(password);

  return (
    <>
      <PasswordField
        label={passwordLabel}
        name={name}
        autoComplete="new-password"
        required
        value={password}
        onChange={(e) => onPasswordChange(e.target.value)}
        error={passwordError}
        describedById={rulesId}
        after={
          <div className="password-rules" id={rulesId}>
            <p className="password-rules__title">{t('password.requirements')}</p>
            <ul className="password-rules__list">
              <li className={lengthOk ? 'rule rule--met' : 'rule'}>
                <RuleIcon met={lengthOk} />
                <span>
                  {t('password.ruleLength')}{' '}
                  <span className="visually-hidden">({lengthOk ? t('password.ruleMet') : t('password.ruleNotMet')})</span>
                </span>
                <span className="rule__count" aria-hidden="true">
                  {tn('password.count', length)}
                </span>
              </li>
              <li className="rule rule--info">
                <RuleIcon met={false} info />
                <span>{t('password.ruleGuess')}</span>
              </li>
            </ul>
          </div>
        }
      />
      <PasswordField
        label={confirmLabel}
        name={`${name}-confirm`}
        autoComplete="new-password"
        required
        value={confirm}
        onChange={(e) => onConfirmChange(e.target.value)}
        error={confirmError}
      />
    </>
  );
}

function RuleIcon({ met, info }: { met: boolean; info?: boolean }) {
  return (
    <svg className="rule__icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      {met ? (
        <path d="M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1Zm3.5 5.3-4.2 4.3a.7.7 0 0 1-1 0L4.5 8.8a.7.7 0 1 1 1-1l1.3 1.3 3.7-3.8a.7.7 0 0 1 1 1Z" fill="currentColor" />
      ) : info ? (
        <path d="M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1Zm0 3a.9.9 0 1 1 0 1.8A.9.9 0 0 1 8 4Zm1 8H7.2a.6.6 0 0 1 0-1.2h.3V8.2h-.3a.6.6 0 0 1 0-1.2h.9c.3 0 .6.3.6.6v3.2H9a.6.6 0 0 1 0 1.2Z" fill="currentColor" />
      ) : (
        <circle cx="8" cy="8" r="6.2" fill="none" stroke="currentColor" strokeWidth="1.6" />
      )}
    </svg>
  );
}
