import { useState, type FormEvent } from 'react';

import { FormError } from '@/components/forms/form-error';
import { Button } from '@/components/ui/button';
import { TextAreaField } from '@/components/ui/text-area-field';
import { useCancelRequest } from '@/features/requests/api/requests';
import { fieldErrorsOf } from '@/lib/api/problem-message';
import { useI18n } from '@/lib/i18n/i18n';

/** "Cancel this request", confirmed in place with an optional reason. */
export function CancelRequest({ id, onCancelled }: { id: string; onCancelled: () => void }) {
  const { t } = useI18n();
  const cancel = useCancelRequest(id);
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const errors = fieldErrorsOf(t, cancel.error);

  if (!confirming) {
    return (
      <Button variant="secondary" onClick={() => setConfirming(true)}>
        {t('request.cancel')}
      </Button>
    );
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    cancel.mutate(reason, { onSuccess: onCancelled });
  }

  return (
    <form className="form confirm-box" onSubmit={submit} noValidate aria-labelledby={`${id}-cancel-title`}>
      <h3 className="confirm-box__title" id={`${id}-cancel-title`}>
        {t('request.cancelTitle')}
      </h3>
      <FormError error={cancel.error} shownFields={['reason']} />
      <TextAreaField
        label={t('request.cancelReason.label')}
        optionalLabel={t('common.optional')}
        value={reason}
        maxLength={1000}
        rows={3}
        onChange={(e) => setReason(e.target.value)}
        error={errors.reason}
      />
      <div className="form__actions">
        <Button type="submit" variant="danger" loading={cancel.isPending} loadingText={t('request.cancelling')}>
          {t('request.cancelConfirm')}
        </Button>
        <Button
          variant="secondary"
          onClick={() => {
            setConfirming(false);
            cancel.reset();
          }}
        >
          {t('request.cancelKeep')}
        </Button>
      </div>
    </form>
  );
}
