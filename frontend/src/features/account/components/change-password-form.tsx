import { useState, type FormEvent } from 'react';

import { FormError } from '@/components/forms/form-error';
import { NewPasswordFields } from '@/components/forms/new-password-fields';
import { PasswordField } from '@/components/forms/password-field';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { useChangePassword } from '@/features/account/api/change-password';
import { fieldErrorMessage, fieldErrorsOf } from '@/lib/api/problem-message';
import { useI18n } from '@/lib/i18n/i18n';
import { newPasswordProblems, requiredText } from '@/lib/validation';

/** Current and new password; the server's field errors show next to their fields. */
export function ChangePasswordForm({ email }: { email: string }) {
  const { t } = useI18n();
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const errors = { ...fieldErrorsOf(t, change.error), ...local };

  function submit(e: FormEvent) {
    e.preventDefault();
    const found: Record<string, string> = {};
    const currentCode = requiredText(current);
    if (currentCode) found.current_password = fieldErrorMessage(t, { field: 'current_password', code: currentCode });
    const pw = newPasswordProblems(next, confirm);
    if (pw.password) found.new_password = fieldErrorMessage(t, { field: 'new_password', code: pw.password });
    if (pw.confirm) found.confirm = fieldErrorMessage(t, { field: 'new_password', code: pw.confirm });
    setLocal(found);
    if (Object.keys(found).length > 0) {
      return;
    }
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
          setConfirm('');
        },
      },
    );
  }

  return (
    <Card title={t('account.passwordTitle')} description={t('account.passwordIntro')} id="password">
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={change.error} shownFields={['current_password', 'new_password']} />
        {change.isSuccess ? <Alert tone="success">{t('account.passwordChanged')}</Alert> : null}
        <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
        <PasswordField
          label={t('account.currentPassword')}
          name="current_password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => {
            setCurrent(e.target.value);
            change.reset();
          }}
          error={errors.current_password}
        />
        <NewPasswordFields
          password={next}
          confirm={confirm}
          onPasswordChange={(v) => {
            setNext(v);
            change.reset();
          }}
          onConfirmChange={setConfirm}
          passwordLabel={t('account.newPassword')}
          confirmLabel={t('account.confirmPassword')}
          passwordError={errors.new_password}
          confirmError={errors.confirm}
        />
        <div className="form__actions">
          <Button type="submit" loading={change.isPending} loadingText={t('account.passwordSubmitting')}>
            {t('account.passwordSubmit')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
