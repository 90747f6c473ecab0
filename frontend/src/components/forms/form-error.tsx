import { Alert } from '@/components/ui/alert';
import { isApiError } from '@/lib/api/problem';
import { fieldErrorMessage, problemMessage } from '@/lib/api/problem-message';
import { useI18n } from '@/lib/i18n/i18n';

/**
 * The form-level message of a failed submission, announced at once (`role="alert"`). Field
 * errors of fields the form shows appear next to those fields; any other field error is listed
 * here so nothing the server said is lost.
 */
export function FormError({ error, shownFields = [] }: { error: unknown; shownFields?: readonly string[] }) {
  const { t } = useI18n();
  if (!error) {
    return null;
  }
  const others = isApiError(error) ? error.fieldErrors.filter((fe) => !shownFields.includes(fe.field)) : [];
  return (
    <Alert tone="error" className="form-error">
      <p>{problemMessage(t, error)}</p>
      {others.length > 0 ? (
        <ul>
          {others.map((fe) => (
            <li key={`${fe.field}:${fe.code}`}>{fieldErrorMessage(t, fe)}</li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}
