import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';

import { FormError } from '@/components/forms/form-error';
import { PasswordField } from '@/components/forms/password-field';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { paths } from '@/config/paths';
import { useLogin } from '@/features/auth/api/login';
import { fieldErrorMessage, fieldErrorsOf } from '@/lib/api/problem-message';
import { useI18n } from '@/lib/i18n/i18n';
import { emailAddress, requiredText } from '@/lib/validation';

/** Email and password. On success the session is signed in; the page decides where to go. */
export function LoginForm() {
  const { t } = useI18n();
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});

  const server = fieldErrorsOf(t, login.error);
  const errors = { ...server, ...local };

  function submit(e: FormEvent) {
    e.preventDefault();
    const found: Record<string, string> = {};
    const emailCode = emailAddress(email);
    if (emailCode) found.email = fieldErrorMessage(t, { field: 'email', code: emailCode });
    const passwordCode = requiredText(password);
    if (passwordCode) found.password = fieldErrorMessage(t, { field: 'password', code: passwordCode });
    setLocal(found);
    if (Object.keys(found).length > 0) {
      return;
    }
    login.mutate({ email: email.trim(), password });
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-describedby={login.error ? 'login-error' : undefined}>
      <div id="login-error">
        <FormError error={login.error} shownFields={['email', 'password']} />
      </div>
      <TextField
        label={t('login.email')}
        type="email"
        name="email"
        autoComplete="username"
        inputMode="email"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={errors.email}
      />
      <PasswordField
        label={t('login.password')}
        name="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.password}
      />
      <div className="form__actions form__actions--split">
        <Button type="submit" loading={login.isPending} loadingText={t('login.submitting')}>
          {t('login.submit')}
        </Button>
        <Link to={paths.resetRequest} className="link">
          {t('login.forgot')}
        </Link>
      </div>
    </form>
  );
}
