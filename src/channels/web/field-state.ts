/** How a form field is marked for assistive technology: `aria-invalid` and `aria-describedby`. */
export interface FieldState {
  invalid: 'true' | 'false';
  /** Ids of the field's hint and error, space-separated (empty when neither). */
  describedBy: string;
  error?: string;
}

/**
 * Each named field's state for the views (which cannot put a block inside a tag): invalid with its
 * error's id when it has a problem, and its hint's id when it has a hint (`NAME-hint`, `NAME-error`).
 */
export function fieldStates(
  names: readonly string[],
  errors: Readonly<Record<string, string | undefined>>,
  withHint: readonly string[] = [],
): Record<string, FieldState> {
  return Object.fromEntries(
    names.map((name) => {
      const error = errors[name];
      const ids = [withHint.includes(name) ? `${name}-hint` : '', error ? `${name}-error` : ''];
      return [name, { invalid: error ? 'true' : 'false', describedBy: ids.filter(Boolean).join(' '), error }];
    }),
  );
}
