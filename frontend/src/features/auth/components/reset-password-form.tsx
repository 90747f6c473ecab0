import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';

import { FormError } from '@/components/forms/form-error';
import { NewPasswordFields } from '@/components/forms/new-password-fields';
import { Alert } from '@/components/ui/alert';
import { Button, ButtonLink } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { useCompleteReset } from '@/features/auth/api/password-reset';
import { isApiError } from '@/lib/api/problem';
import { fieldErrorMessage, fieldErrorsOf } from '@/lib/api/problem-message';
import { useI18n } from '@/lib/i18n/i18n';
import { newPasswordProblems } from '@/lib/validation';

/** The reset link's page: a new password; on success, on to sign-in with a confirmation. */
export function ResetPasswordForm({ token }: { token: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const reset = useCompleteReset(token);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});

  const errors = { ...fieldErrorsOf(t, reset.error), ...local };
  const status = isApiError(reset.error) ? reset.error.status : 0;

  function submit(e: FormEvent) {
    e.preventDefault();
    const found: Record<string, string> = {};
    const pw = newPasswordProblems(password, confirm);
    if (pw.password) found.password = fieldErrorMessage(t, { field: 'password', code: pw.password });
    if (pw.confirm) found.confirm = fieldErrorMessage(t, { field: 'password', code: pw.confirm });
    setLocal(found);
    if (Object.keys(found).length > 0) {
      return;
    }
    reset.mutate(password, {
      onSuccess: () => {
        void navigate(paths.login, { replace: true, state: { notice: 'password-reset' } });
      },
    });
  }

  if (status === 404 || status === 410) {
    return (
      <div className="stack">
        <Alert tone="error">{status === 404 ? t('reset.linkNotFound') : t('errors.reset_link_expired')}</Alert>
        <ButtonLink to={paths.resetRequest} variant="primary">
          {t('reset.requestAgain')}
        </ButtonLink>
      </div>
    );
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={reset.error} shownFields={['password']} />
      <NewPasswordFields
        password={password}
        confirm={confirm}
        onPasswordChange={setPassword}
        onConfirmChange={setConfirm}
        passwordLabel={t('reset.newPassword')}
        confirmLabel={t('reset.newConfirm')}
        passwordError={errors.password}
        confirmError={errors.confirm}
      />
      <div className="form__actions">
        <Button type="submit" block loading={reset.isPending} loadingText={t('reset.newSubmitting')}>
          {t('reset.newSubmit')}
        </Button>
      </div>
    </form>
  );
}
