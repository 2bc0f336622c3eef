'use client';

import { useTranslation } from 'react-i18next';

export type FormError = { text: string; fields: string[] };

/** The end of an edit dialog: the refusal (if any), cancel, and a submit that says create or save. */
export function FormFooter({
  error,
  pending,
  editing,
  onCancel,
  submitTestId,
}: {
  error: FormError | null;
  pending: boolean;
  editing: boolean;
  onCancel: () => void;
  submitTestId: string;
}) {
  const { t } = useTranslation('live');
  return (
    <>
      {error ? (
        <p
          role="alert"
          className="rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800"
          data-testid="form-error"
        >
          {error.fields.length ? `${error.text} ${t('form.invalid')}` : error.text}
        </p>
      ) : null}
      <div className="flex justify-end gap-2 pt-1">
        <button type="button" className="btn-secondary" onClick={onCancel}>
          {t('form.cancel')}
        </button>
        <button type="submit" className="btn-primary" disabled={pending} data-testid={submitTestId}>
          {pending ? t('form.saving') : editing ? t('form.save') : t('form.create')}
        </button>
      </div>
    </>
  );
}
