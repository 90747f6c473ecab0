import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';

/**
 * Form fields: a visible label, an optional hint, and the field's error right under it, tied to
 * the control with `aria-describedby` and `aria-invalid` so it is read out with the field.
 */
interface FieldFrameProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  optionalLabel?: string | undefined;
  children: ReactNode;
  after?: ReactNode;
}

function FieldFrame({ id, label, hint, error, optionalLabel, children, after }: FieldFrameProps) {
  return (
    <div className={['field', error ? 'field--invalid' : ''].filter(Boolean).join(' ')}>
      <label className="field__label" htmlFor={id}>
        {label}
        {optionalLabel ? <span className="field__optional"> ({optionalLabel})</span> : null}
      </label>
      {hint ? (
        <div className="field__hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {children}
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
            <path d="M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1Zm0 3.2c.4 0 .7.3.7.7v3.5a.7.7 0 0 1-1.4 0V4.9c0-.4.3-.7.7-.7Zm0 7.6a.9.9 0 1 1 0-1.8.9.9 0 0 1 0 1.8Z" fill="currentColor" />
          </svg>
          <span>{error}</span>
        </p>
      ) : null}
      {after}
    </div>
  );
}

function describedBy(id: string, hint: unknown, error: unknown, extra?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : '', extra ?? ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  optionalLabel?: string;
  /** Extra element ids describing the input (e.g. live password rules). */
  describedById?: string;
  /** Rendered after the input inside the field (e.g. a show-password toggle). */
  trailing?: ReactNode;
  after?: ReactNode;
  id?: string;
}

export function TextField({ label, hint, error, optionalLabel, describedById, trailing, after, id: givenId, className, ...input }: TextFieldProps) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} optionalLabel={optionalLabel} after={after}>
      <div className={['field__control', trailing ? 'field__control--trailing' : ''].filter(Boolean).join(' ')}>
        <input
          {...input}
          id={id}
          className={['input', className ?? ''].filter(Boolean).join(' ')}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, hint, error, describedById)}
        />
        {trailing}
      </div>
    </FieldFrame>
  );
}

export interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  options: readonly { value: string; label: string; lang?: string }[];
  id?: string;
}

export function SelectField({ label, hint, error, options, id: givenId, className, ...select }: SelectFieldProps) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <div className="field__control">
        <select
          {...select}
          id={id}
          className={['select', className ?? ''].filter(Boolean).join(' ')}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, hint, error)}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value} lang={o.lang}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
    </FieldFrame>
  );
}

export interface CheckboxFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type'> {
  label: ReactNode;
  hint?: ReactNode;
  id?: string;
}

export function CheckboxField({ label, hint, id: givenId, ...input }: CheckboxFieldProps) {
  const generated = useId();
  const id = givenId ?? generated;
  return (
    <div className="checkbox">
      <input {...input} type="checkbox" id={id} className="checkbox__input" aria-describedby={hint ? `${id}-hint` : undefined} />
      <div>
        <label className="checkbox__label" htmlFor={id}>
          {label}
        </label>
        {hint ? (
          <p className="checkbox__hint" id={`${id}-hint`}>
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}
