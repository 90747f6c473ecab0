import { useState, type FormEvent } from 'react';

import { FormError } from '@/components/forms/form-error';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmailAddress } from '@/components/ui/email-address';
import { SelectField, TextField } from '@/components/ui/field';
import { fieldErrorMessage, fieldErrorsOf } from '@/lib/api/problem-message';
import { useUpdateMe, type Me } from '@/lib/auth/me';
import { useI18n } from '@/lib/i18n/i18n';
import { isLocale, LOCALES, type Locale } from '@/lib/i18n/locales';
import { requiredText } from '@/lib/validation';

/** Name and language (`PATCH /me`); the email is shown, not editable. */
export function ProfileForm({ me }: { me: Me }) {
  const { t } = useI18n();
  const update = useUpdateMe();
  const [name, setName] = useState(me.display_name);
  const [language, setLanguage] = useState<Locale>(isLocale(me.locale) ? me.locale : 'en');
  const [nameError, setNameError] = useState<string | undefined>();
  // Follow changes made elsewhere (the header's language switcher), field by field.
  const [seen, setSeen] = useState(me);
  if (seen !== me) {
    setSeen(me);
    if (seen.locale !== me.locale && isLocale(me.locale)) setLanguage(me.locale);
    if (seen.display_name !== me.display_name) setName(me.display_name);
  }
  const errors = fieldErrorsOf(t, update.error);

  function submit(e: FormEvent) {
    e.preventDefault();
    const code = requiredText(name);
    setNameError(code ? fieldErrorMessage(t, { field: 'display_name', code }) : undefined);
    if (code) {
      return;
    }
    update.mutate({ display_name: name.trim(), locale: language });
  }

  return (
    <Card title={t('account.profileTitle')} id="profile">
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={update.error} shownFields={['display_name', 'locale']} />
        {update.isSuccess ? <Alert tone="success">{t('account.profileSaved')}</Alert> : null}
        <dl className="facts">
          <div className="facts__row">
            <dt>{t('account.email')}</dt>
            <dd>
              <EmailAddress email={me.email} className="facts__strong" />
              <span className="facts__hint">{t('account.emailHint')}</span>
            </dd>
          </div>
        </dl>
        <div className="form__grid">
          <TextField
            label={t('account.name')}
            name="display_name"
            autoComplete="name"
            required
            maxLength={200}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              update.reset();
            }}
            error={nameError ?? errors.display_name}
          />
          <SelectField
            label={t('account.language')}
            name="locale"
            value={language}
            onChange={(e) => {
              if (isLocale(e.target.value)) {
                setLanguage(e.target.value);
                update.reset();
              }
            }}
            error={errors.locale}
            options={LOCALES.map((l) => ({ value: l, label: t(`language.${l}`), lang: l }))}
          />
        </div>
        <div className="form__actions">
          <Button type="submit" loading={update.isPending} loadingText={t('common.saving')}>
            {t('common.save')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
