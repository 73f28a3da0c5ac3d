import { type FormEvent, useCallback } from 'react';
import { useAction } from '../../components/useAction.js';

/**
 * A form's submit handler around an async action: the action gets the form's fields, the form is
 * cleared once it succeeds (passwords do not linger on screen), `busy` and `error` as `useAction`.
 */
export function useFormAction(action: (fields: FormFields) => Promise<void>) {
  const { run, busy, error, setError } = useAction(
    useCallback(
      async (form: HTMLFormElement) => {
        await action(new FormFields(new FormData(form)));
        form.reset();
      },
      [action],
    ),
  );
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(event.currentTarget);
  };
  return { onSubmit, busy, error, setError };
}

/** A form's fields as strings and booleans. */
export class FormFields {
  constructor(private readonly data: FormData) {}

  text(name: string): string {
    const value = this.data.get(name);
    return typeof value === 'string' ? value : '';
  }

  checked(name: string): boolean {
    return this.data.get(name) !== null;
  }
}
