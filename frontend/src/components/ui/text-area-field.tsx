import { useId, type ReactNode, type TextareaHTMLAttributes } from 'react';

/** A multi-line text field: visible label, optional hint, error tied to the control. */
export interface TextAreaFieldProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  optionalLabel?: string;
  id?: string;
}

export function TextAreaField({ label, hint, error, optionalLabel, id: givenId, className, ...area }: TextAreaFieldProps) {
  const generated = useId();
  const id = givenId ?? generated;
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
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
      <textarea {...area} id={id} className={['input', 'textarea', className ?? ''].filter(Boolean).join(' ')} aria-invalid={error ? true : undefined} aria-describedby={describedBy} />
      {error ? (
        <p className="field__error" id={`${id}-error`}>
          <span>{error}</span>
        </p>
      ) : null}
    </div>
  );
}
