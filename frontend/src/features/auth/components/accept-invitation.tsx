import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';

import { FormError } from '@/components/forms/form-error';
import { PageHeader } from '@/components/layouts/page';
import { NewPasswordFields } from '@/components/forms/new-password-fields';
import { Alert } from '@/components/ui/alert';
import { Button, ButtonLink } from '@/components/ui/button';
import { EmailAddress } from '@/components/ui/email-address';
import { SelectField, TextField } from '@/components/ui/field';
import { LoadingState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { useAcceptInvitation, useInvitation, type InvitationPreview } from '@/features/auth/api/invitations';
import { isApiError } from '@/lib/api/problem';
import { fieldErrorMessage, fieldErrorsOf, problemMessage } from '@/lib/api/problem-message';
import { useFormat } from '@/lib/i18n/format';
import { useI18n } from '@/lib/i18n/i18n';
import { isLocale, LOCALES, type Locale } from '@/lib/i18n/locales';
import { newPasswordProblems, requiredText } from '@/lib/validation';

/**
 * The invitation link's page: what the invitation opens (preview), then name, language and a
 * password. Accepting signs the user in.
 */
export function AcceptInvitation({ token }: { token: string }) {
  const { t } = useI18n();
  const preview = useInvitation(token);

  if (preview.isPending) {
    return (
      <>
        <PageHeader title={t('invite.pageTitle')} documentTitle={t('invite.pageTitle')} />
        <LoadingState label={t('invite.checking')} />
      </>
    );
  }
  if (preview.isError) {
    return <InvitationUnusable error={preview.error} onRetry={() => void preview.refetch()} />;
  }
  return <AcceptForm token={token} preview={preview.data} />;
}

function InvitationUnusable({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useI18n();
  const status = isApiError(error) ? error.status : 0;
  const message = status === 404 ? t('invite.notFound') : problemMessage(t, error);
  return (
    <div className="stack">
      <PageHeader title={t('invite.unusableTitle')} documentTitle={t('invite.pageTitle')} />
      <Alert tone="error">{message}</Alert>
      {status === 404 || status === 410 ? (
        <ButtonLink to={paths.login} variant="primary">
          {t('invite.goToSignIn')}
        </ButtonLink>
      ) : (
        <Button variant="secondary" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      )}
    </div>
  );
}

function AcceptForm({ token, preview }: { token: string; preview: InvitationPreview }) {
  const { t, setLocale } = useI18n();
  const format = useFormat();
  const accept = useAcceptInvitation(token);
  const navigate = useNavigate();
  const [name, setName] = useState(preview.display_name);
  const [language, setLanguage] = useState<Locale>(isLocale(preview.locale) ? preview.locale : 'en');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});

  // The invitation's language (chosen by whoever invited) is the page's language to begin with.
  const applied = useRef(false);
  useEffect(() => {
    if (!applied.current && isLocale(preview.locale)) {
      applied.current = true;
      setLocale(preview.locale);
    }
  }, [preview.locale, setLocale]);

  const errors = { ...fieldErrorsOf(t, accept.error), ...local };

  function submit(e: FormEvent) {
    e.preventDefault();
    const found: Record<string, string> = {};
    const nameCode = requiredText(name);
    if (nameCode) found.display_name = fieldErrorMessage(t, { field: 'display_name', code: nameCode });
    const pw = newPasswordProblems(password, confirm);
    if (pw.password) found.password = fieldErrorMessage(t, { field: 'password', code: pw.password });
    if (pw.confirm) found.confirm = fieldErrorMessage(t, { field: 'password', code: pw.confirm });
    setLocal(found);
    if (Object.keys(found).length > 0) {
      return;
    }
    accept.mutate(
      { password, display_name: name.trim(), locale: language },
      { onSuccess: () => void navigate(paths.home, { replace: true }) },
    );
  }

  const gone = isApiError(accept.error) && accept.error.status === 410;

  return (
    <div className="stack">
      <PageHeader
        title={t('invite.title')}
        documentTitle={t('invite.pageTitle')}
        description={
          preview.customers.length > 0
            ? t('invite.introCompanies', { companies: format.list(preview.customers) })
            : t('invite.introNoCompany')
        }
      />
      <dl className="facts">
        <div className="facts__row">
          <dt>{t('invite.email')}</dt>
          <dd>
            <EmailAddress email={preview.email} className="facts__strong" />
          </dd>
        </div>
      </dl>
      <p className="muted small">{t('invite.expires', { date: format.dateTime(preview.expires_at) })}</p>

      <form className="form" onSubmit={submit} noValidate>
        <h2 className="form__title">{t('invite.formTitle')}</h2>
        <FormError error={accept.error} shownFields={['password', 'display_name', 'locale']} />
        {gone ? (
          <Link to={paths.login} className="link">
            {t('invite.goToSignIn')}
          </Link>
        ) : null}
        <TextField
          label={t('invite.name')}
          name="name"
          autoComplete="name"
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.display_name}
        />
        <SelectField
          label={t('invite.language')}
          name="language"
          value={language}
          onChange={(e) => {
            if (isLocale(e.target.value)) {
              setLanguage(e.target.value);
              setLocale(e.target.value);
            }
          }}
          error={errors.locale}
          options={LOCALES.map((l) => ({ value: l, label: t(`language.${l}`), lang: l }))}
        />
        {/* A hidden username field lets password managers save the new password for this email. */}
        <input type="email" name="username" autoComplete="username" value={preview.email} readOnly hidden />
        <NewPasswordFields
          password={password}
          confirm={confirm}
          onPasswordChange={setPassword}
          onConfirmChange={setConfirm}
          passwordLabel={t('invite.password')}
          confirmLabel={t('invite.confirm')}
          passwordError={errors.password}
          confirmError={errors.confirm}
        />
        <div className="form__actions">
          <Button type="submit" block loading={accept.isPending} loadingText={t('invite.submitting')}>
            {t('invite.submit')}
          </Button>
        </div>
      </form>
    </div>
  );
}
