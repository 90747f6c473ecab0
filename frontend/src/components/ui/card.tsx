import { useId, type ReactNode } from 'react';

/** A titled section of a page. `headingLevel` keeps the outline right where it is used. */
export function Card({
  title,
  headingLevel = 2,
  description,
  actions,
  children,
  className,
  id,
}: {
  title?: ReactNode;
  headingLevel?: 2 | 3;
  description?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
  className?: string;
  id?: string;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const generated = useId();
  const headingId = id ? `${id}-title` : generated;
  return (
    <section className={['card', className ?? ''].filter(Boolean).join(' ')} aria-labelledby={title ? headingId : undefined} id={id}>
      {title || actions ? (
        <div className="card__header">
          <div>
            {title ? (
              <Heading className="card__title" id={headingId}>
                {title}
              </Heading>
            ) : null}
            {description ? <p className="card__description">{description}</p> : null}
          </div>
          {actions ? <div className="card__actions">{actions}</div> : null}
        </div>
      ) : null}
      {children}
    </section>
  );
}
