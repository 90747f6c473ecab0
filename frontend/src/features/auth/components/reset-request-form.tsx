import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';

import { FormError } from '@/components/forms/form-error';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { paths } from '@/config/paths';
import { useRequestReset } from '@/features/auth/api/password-reset';
import { fieldErrorMessage } from '@/lib/api/problem-message';
import { useI18n } from '@/lib/i18n/i18n';
import { emailAddress } from '@/lib/validation';

/**
 * Asks for a reset link. The answer is the same neutral confirmation whether or not the email
 * has an account, exactly like the API's.
 */
export function ResetRequestForm() {
  const { t } = useI18n();
  const request = useRequestReset();
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>();

  function submit(e: FormEvent) {
    e.preventDefault();
    const code = emailAddress(email);
    setError(code ? fieldErrorMessage(t, { field: 'email', code }) : undefined);
    if (code) {
      return;
    }
    const address = email.trim();
    request.mutate(address, { onSuccess: () => setSentTo(address) });
  }

  if (sentTo !== null) {
    return (
      <div className="stack">
        <Alert tone="success" title={t('reset.sentTitle')}>
          <p>{t('reset.sentBody', { email: sentTo })}</p>
        </Alert>
        <div className="form__actions form__actions--split">
          <Link to={paths.login} className="link">
            {t('common.backToSignIn')}
          </Link>
          <button
            type="button"
            className="link link--button"
            onClick={() => {
              setSentTo(null);
              request.reset();
            }}
          >
            {t('reset.otherEmail')}
          </button>
        </div>
      </div>
    );
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={request.error} shownFields={['email']} />
      <TextField
        label={t('reset.email')}
        type="email"
        name="email"
        autoComplete="username"
        inputMode="email"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={error}
      />
      <div className="form__actions form__actions--split">
        <Button type="submit" loading={request.isPending} loadingText={t('reset.submitting')}>
          {t('reset.submit')}
        </Button>
        <Link to={paths.login} className="link">
          {t('common.backToSignIn')}
        </Link>
      </div>
    </form>
  );
}
