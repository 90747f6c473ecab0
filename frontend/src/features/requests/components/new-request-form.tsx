import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';

import { FormError } from '@/components/forms/form-error';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { SelectField, TextField } from '@/components/ui/field';
import { TextAreaField } from '@/components/ui/text-area-field';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { paths } from '@/config/paths';
import { REQUEST_KINDS, uploadAttachment, useCreateRequest, type RequestKind } from '@/features/requests/api/requests';
import { useGrantedLocations, type GrantedLocation } from '@/features/requests/api/submit-locations';
import { ACCEPTED_FILES } from '@/features/requests/components/attachments';
import { RequestsList } from '@/features/requests/components/requests-list';
import { fieldErrorMessage, fieldErrorsOf, problemMessage } from '@/lib/api/problem-message';
import { useFormat } from '@/lib/i18n/format';
import { useI18n } from '@/lib/i18n/i18n';
import { instantToZonedTime, zonedTimeToInstant } from '@/lib/i18n/time-zone';
import { requiredText } from '@/lib/validation';

const MAX_WINDOWS = 5;
const MAX_FILES = 10;
const MAX_FILE_BYTES = 10 * 1024 * 1024;

interface WindowDraft {
  key: number;
  start: string;
  end: string;
}

/** State handed to the request page after submitting (what to confirm, which uploads failed). */
export interface SubmittedState {
  notice: string;
}

/**
 * A new service request: a location the user may submit for (with the requests already open
 * there), kind, title, description, up to 5 preferred windows in the location's local time,
 * site access notes, a phone number and photos (uploaded one by one after the request exists).
 */
export function NewRequestForm() {
  const { t } = useI18n();
  const locations = useGrantedLocations();

  if (locations.isPending) {
    return <LoadingState label={t('common.loading')} />;
  }
  if (locations.isError) {
    return <ErrorState message={problemMessage(t, locations.error)} onRetry={() => void locations.refetch()} retryLabel={t('common.retry')} />;
  }
  const allowed = locations.data.filter((l) => l.can_submit_requests);
  if (allowed.length === 0) {
    return <EmptyState title={t('newRequest.noLocations')} />;
  }
  return <Form locations={allowed} />;
}

function Form({ locations }: { locations: GrantedLocation[] }) {
  const { t } = useI18n();
  const format = useFormat();
  const navigate = useNavigate();
  const create = useCreateRequest();
  const kindLegend = useId();
  const filesId = useId();

  const [locationId, setLocationId] = useState(locations.length === 1 ? (locations[0]?.id ?? '') : '');
  const [kind, setKind] = useState<RequestKind>('service');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [windows, setWindows] = useState<WindowDraft[]>([]);
  const [nextKey, setNextKey] = useState(1);
  const [siteAccess, setSiteAccess] = useState('');
  const [phone, setPhone] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [fileError, setFileError] = useState<string | undefined>();
  const [local, setLocal] = useState<Record<string, string>>({});
  const [uploading, setUploading] = useState(false);

  const location = locations.find((l) => l.id === locationId);
  const zone = location?.timezone;
  const errors = { ...fieldErrorsOf(t, create.error), ...local };
  const windowError = (i: number) =>
    errors[`preferred_windows[${i}].starts_at`] ?? errors[`preferred_windows[${i}].ends_at`] ?? errors[`preferred_windows[${i}]`];

  function addFiles(list: FileList | null) {
    if (!list) return;
    const chosen = [...files, ...Array.from(list)];
    const tooBig = chosen.find((f) => f.size > MAX_FILE_BYTES);
    setFileError(tooBig ? `${tooBig.name}: ${t('errors.payload_too_large')}` : chosen.length > MAX_FILES ? t('errors.too_many_attachments') : undefined);
    setFiles(chosen.filter((f) => f.size <= MAX_FILE_BYTES).slice(0, MAX_FILES));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found: Record<string, string> = {};
    const need = (field: string, value: string) => {
      const code = requiredText(value);
      if (code) found[field] = fieldErrorMessage(t, { field, code });
    };
    need('location_id', locationId);
    need('title', title);
    need('description', description);
    const preferred: { starts_at: string; ends_at: string }[] = [];
    windows.forEach((w, i) => {
      const start = zone ? zonedTimeToInstant(w.start, zone) : undefined;
      const end = zone ? zonedTimeToInstant(w.end, zone) : undefined;
      if (!start || !end) {
        found[`preferred_windows[${i}]`] = t('fieldErrors.invalid_date');
      } else if (end <= start) {
        found[`preferred_windows[${i}]`] = t('fieldErrors.window_order');
      } else {
        preferred.push({ starts_at: start.toISOString(), ends_at: end.toISOString() });
      }
    });
    setLocal(found);
    if (Object.keys(found).length > 0) {
      return;
    }
    let created;
    try {
      created = await create.mutateAsync({
        location_id: locationId,
        kind,
        title: title.trim(),
        description: description.trim(),
        preferred_windows: preferred,
        ...(siteAccess.trim() ? { site_access_notes: siteAccess.trim() } : {}),
        ...(phone.trim() ? { contact_phone: phone.trim() } : {}),
      });
    } catch {
      return; // shown by <FormError> and next to the fields
    }
    setUploading(true);
    const failures: string[] = [];
    for (const file of files) {
      try {
        await uploadAttachment(created.id, file);
      } catch (error) {
        failures.push(t('request.uploadFailed', { name: file.name, reason: problemMessage(t, error) }));
      }
    }
    setUploading(false);
    const notice = [t('request.submitted'), ...failures].join(' ');
    void navigate(paths.request(created.id), { state: { notice } satisfies SubmittedState });
  }

  const minStart = zone ? instantToZonedTime(new Date(), zone) : undefined;

  return (
    <form className="form new-request" onSubmit={(e) => void submit(e)} noValidate>
      <FormError
        error={create.error}
        shownFields={[
          'location_id',
          'kind',
          'title',
          'description',
          'site_access_notes',
          'contact_phone',
          'preferred_windows',
          ...windows.flatMap((_, i) => [`preferred_windows[${i}]`, `preferred_windows[${i}].starts_at`, `preferred_windows[${i}].ends_at`]),
        ]}
      />
      <Card>
        <SelectField
          label={t('newRequest.location')}
          hint={t('newRequest.locationHint')}
          value={locationId}
          onChange={(e) => setLocationId(e.target.value)}
          error={errors.location_id}
          options={[
            ...(locations.length > 1 ? [{ value: '', label: t('newRequest.chooseLocation') }] : []),
            ...locations.map((l) => ({ value: l.id, label: `${l.name} · ${l.customer_name}` })),
          ]}
        />
        {location ? (
          <section className="open-here" aria-labelledby={`${filesId}-open`}>
            <h3 className="subheading" id={`${filesId}-open`}>
              {t('newRequest.openTitle')}
            </h3>
            <p className="muted small">{t('newRequest.openIntro')}</p>
            <RequestsList filter={{ location_id: location.id, open: true }} limit={5} emptyText={t('newRequest.openNone')} />
          </section>
        ) : null}
      </Card>

      <Card title={t('newRequest.whatTitle')}>
        <fieldset className="fieldset" aria-describedby={errors.kind ? `${kindLegend}-error` : undefined}>
          <legend className="field__label" id={kindLegend}>
            {t('newRequest.kind')}
          </legend>
          <div className="choice-grid">
            {REQUEST_KINDS.map((k) => (
              <label key={k} className={kind === k ? 'choice choice--selected' : 'choice'}>
                <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
                <span>{t(`requests.kind.${k}`)}</span>
              </label>
            ))}
          </div>
          {errors.kind ? (
            <p className="field__error" id={`${kindLegend}-error`}>
              {errors.kind}
            </p>
          ) : null}
        </fieldset>
        <TextField
          label={t('newRequest.requestTitle')}
          hint={t('newRequest.requestTitleHint')}
          value={title}
          maxLength={120}
          required
          onChange={(e) => setTitle(e.target.value)}
          error={errors.title}
        />
        <TextAreaField
          label={t('newRequest.description')}
          hint={t('newRequest.descriptionHint')}
          value={description}
          maxLength={5000}
          rows={6}
          required
          onChange={(e) => setDescription(e.target.value)}
          error={errors.description}
        />
      </Card>

      <Card title={t('newRequest.windows')} description={zone ? t('newRequest.windowsHint', { zone: `${zone}, ${format.zoneName(zone)}` }) : t('newRequest.windowsHintNoZone')}>
        {errors.preferred_windows ? <Alert tone="error">{errors.preferred_windows}</Alert> : null}
        {windows.map((w, i) => {
          const error = windowError(i);
          return (
            <fieldset key={w.key} className="window-input" aria-describedby={error ? `window-${w.key}-error` : undefined}>
              <legend className="field__label">{t('newRequest.window', { n: i + 1 })}</legend>
              <div className="window-input__row">
                <TextField
                  label={t('newRequest.windowStart')}
                  type="datetime-local"
                  value={w.start}
                  min={minStart}
                  disabled={!zone}
                  onChange={(e) => setWindows((all) => all.map((x) => (x.key === w.key ? { ...x, start: e.target.value } : x)))}
                />
                <TextField
                  label={t('newRequest.windowEnd')}
                  type="datetime-local"
                  value={w.end}
                  min={w.start || minStart}
                  disabled={!zone}
                  onChange={(e) => setWindows((all) => all.map((x) => (x.key === w.key ? { ...x, end: e.target.value } : x)))}
                />
                <Button variant="ghost" className="window-input__remove" onClick={() => setWindows((all) => all.filter((x) => x.key !== w.key))}>
                  {t('newRequest.removeWindow', { n: i + 1 })}
                </Button>
              </div>
              {error ? (
                <p className="field__error" id={`window-${w.key}-error`}>
                  {error}
                </p>
              ) : null}
            </fieldset>
          );
        })}
        {windows.length < MAX_WINDOWS ? (
          <div>
            <Button
              variant="secondary"
              disabled={!zone}
              onClick={() => {
                setWindows((all) => [...all, { key: nextKey, start: '', end: '' }]);
                setNextKey((k) => k + 1);
              }}
            >
              {t('newRequest.addWindow')}
            </Button>
          </div>
        ) : null}
      </Card>

      <Card title={t('newRequest.moreTitle')}>
        <TextAreaField
          label={t('newRequest.siteAccess')}
          hint={t('newRequest.siteAccessHint')}
          optionalLabel={t('common.optional')}
          value={siteAccess}
          maxLength={1000}
          rows={3}
          onChange={(e) => setSiteAccess(e.target.value)}
          error={errors.site_access_notes}
        />
        <TextField
          label={t('newRequest.contactPhone')}
          optionalLabel={t('common.optional')}
          type="tel"
          autoComplete="tel"
          value={phone}
          maxLength={40}
          onChange={(e) => setPhone(e.target.value)}
          error={errors.contact_phone}
        />
        <div className="field">
          <label className="field__label" htmlFor={filesId}>
            {t('newRequest.files')} <span className="field__optional">({t('common.optional')})</span>
          </label>
          <p className="field__hint" id={`${filesId}-hint`}>
            {t('newRequest.filesHint')}
          </p>
          <input
            id={filesId}
            type="file"
            multiple
            accept={ACCEPTED_FILES}
            className="file-input"
            aria-describedby={[`${filesId}-hint`, fileError ? `${filesId}-error` : ''].filter(Boolean).join(' ')}
            onChange={(e) => {
              addFiles(e.target.files);
              e.target.value = '';
            }}
          />
          {fileError ? (
            <p className="field__error" id={`${filesId}-error`}>
              {fileError}
            </p>
          ) : null}
          {files.length > 0 ? (
            <ul className="chosen-files">
              {files.map((f, i) => (
                <li key={`${f.name}-${i}`}>
                  <span>
                    {f.name} <span className="muted">({format.fileSize(f.size)})</span>
                  </span>
                  <Button variant="ghost" onClick={() => setFiles((all) => all.filter((_, j) => j !== i))}>
                    {t('newRequest.removeFile', { name: f.name })}
                  </Button>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </Card>

      <div className="form__actions">
        <Button type="submit" loading={create.isPending || uploading} loadingText={t('newRequest.submitting')}>
          {t('newRequest.submit')}
        </Button>
      </div>
    </form>
  );
}
