import { useState, type FormEvent } from 'react';

import { FormError } from '@/components/forms/form-error';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { CheckboxField } from '@/components/ui/field';
import { useUpdateMe, type Me } from '@/lib/auth/me';
import { useI18n } from '@/lib/i18n/i18n';

type Settings = Me['notifications'];
const KINDS = ['request_updates', 'appointments', 'reports'] as const satisfies readonly (keyof Settings)[];

/** Which mails the user wants (`PATCH /me` with `notifications`). */
export function NotificationsForm({ me }: { me: Me }) {
  const { t } = useI18n();
  const update = useUpdateMe();
  const [settings, setSettings] = useState<Settings>(me.notifications);

  function submit(e: FormEvent) {
    e.preventDefault();
    update.mutate({ notifications: settings });
  }

  return (
    <Card title={t('account.notificationsTitle')} id="notifications">
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={update.error} />
        {update.isSuccess ? <Alert tone="success">{t('account.notificationsSaved')}</Alert> : null}
        <fieldset className="fieldset">
          <legend className="fieldset__legend">{t('account.notificationsIntro')}</legend>
          {KINDS.map((kind) => (
            <CheckboxField
              key={kind}
              name={kind}
              label={t(`account.notify.${kind}`)}
              hint={t(`account.notify.${kind}Hint`)}
              checked={settings[kind]}
              onChange={(e) => {
                setSettings((s) => ({ ...s, [kind]: e.target.checked }));
                update.reset();
              }}
            />
          ))}
        </fieldset>
        <div className="form__actions">
          <Button type="submit" loading={update.isPending} loadingText={t('common.saving')}>
            {t('common.save')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
