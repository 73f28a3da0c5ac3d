import { type FormEvent, useState } from 'react';
import { Field } from '../../components/Field.js';

/**
 * "They sent me their number": pasted here, it is compared digit by digit with ours, which eyes
 * do badly over sixty digits (issue 39). The same number verifies them (as "Mark as verified"
 * does, with the number shown); another one says so and verifies nothing.
 */
export function PastedNumberCheck({ digits, name, verify }: { digits: string; name: string; verify(): Promise<void> }) {
  const [pasted, setPasted] = useState('');
  const [verdict, setVerdict] = useState<'different' | 'incomplete' | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const theirs = pasted.replace(/\D/g, '');
    if (theirs.length !== 60) return setVerdict('incomplete');
    if (theirs !== digits.replace(/\D/g, '')) return setVerdict('different');
    setVerdict(null);
    await verify();
  };
  return (
    <form className="pasted-number" onSubmit={(event) => void submit(event)}>
      <Field
        label={`Or paste the number ${name} sent you`}
        value={pasted}
        inputMode="numeric"
        autoComplete="off"
        onChange={(event) => {
          setPasted(event.target.value);
          setVerdict(null);
        }}
      />
      <button type="submit" disabled={pasted.trim() === ''}>
        Compare
      </button>
      {verdict && (
        <p className="error" role="alert">
          {verdict === 'incomplete'
            ? 'A safety number has sixty digits: paste all of it.'
            : `These numbers differ: do not mark ${name} as verified. Ask them to check the number they see for you.`}
        </p>
      )}
    </form>
  );
}
