import type { ImportJob, ImportSource } from '@confab/protocol';
import { type FormEvent, useEffect, useState } from 'react';
import { describeError } from '../../components/errors.js';
import { Field } from '../../components/Field.js';
import { useSignedIn } from '../../session/SessionContext.js';

const SOURCES: { value: ImportSource; label: string; accept: string }[] = [
  { value: 'slack', label: 'Slack workspace export (.zip)', accept: '.zip,application/zip' },
  { value: 'mattermost', label: 'Mattermost bulk export (.jsonl or .zip)', accept: '.jsonl,.zip,application/zip' },
];
const KINDS: [keyof ImportJob['counts'], string][] = [
  ['users', 'People'],
  ['conversations', 'Conversations'],
  ['messages', 'Messages'],
  ['replies', 'Replies'],
  ['reactions', 'Reactions'],
  ['pins', 'Pins'],
  ['files', 'Files'],
];
const STATES: Record<ImportJob['state'], string> = { queued: 'Queued', running: 'Importing…', done: 'Done', failed: 'Failed' };
const POLL_MS = 1000;
const number = new Intl.NumberFormat();

/**
 * Administration → Import (issue 37): a Slack or Mattermost export uploaded, then the run followed
 * (polled every second until done or failed) with what it added and the files it skipped.
 * Importing the same export again adds nothing.
 */
export function ImportPanel() {
  const { client } = useSignedIn();
  const [source, setSource] = useState<ImportSource>('slack');
  const [file, setFile] = useState<File | null>(null);
  const [job, setJob] = useState<ImportJob | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const running = job !== null && (job.state === 'queued' || job.state === 'running');

  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => {
      client.admin.importStatus(job.id).then(setJob, (caught: unknown) => setError(describeError(caught)));
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [client, job, running]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      setJob(await client.admin.startImport(source, file));
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="settings-section" aria-labelledby="import-title">
      <h3 id="import-title">Import</h3>
      <p className="hint">
        Bring a team’s history from Slack or Mattermost. People are matched by their confirmed email address; the others get accounts that
        stay deactivated until they are claimed. Importing the same export again adds nothing.
      </p>
      <form onSubmit={(event) => void submit(event)} aria-label="Import an export">
        <fieldset className="choice-group">
          <legend>Source</legend>
          {SOURCES.map((option) => (
            <label key={option.value} className="choice">
              <input
                type="radio"
                name="source"
                value={option.value}
                checked={source === option.value}
                onChange={() => setSource(option.value)}
              />
              {option.label}
            </label>
          ))}
        </fieldset>
        <Field
          label="Export file"
          name="file"
          type="file"
          required
          accept={SOURCES.find((s) => s.value === source)!.accept}
          onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
        />
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || running || file === null}>
          {busy ? 'Uploading…' : 'Import'}
        </button>
      </form>
      {job && <ImportProgress job={job} />}
    </section>
  );
}

function ImportProgress({ job }: { job: ImportJob }) {
  return (
    <div className="import-progress" aria-live="polite">
      <p>
        <span className={job.state === 'done' ? 'tag ok' : 'tag'}>{STATES[job.state]}</span>
      </p>
      {(job.state === 'queued' || job.state === 'running') && <progress aria-label="Import in progress" />}
      <dl className="stats" aria-label="Imported so far">
        {KINDS.map(([kind, label]) => (
          <div key={kind}>
            <dt>{label}</dt>
            <dd>{number.format(job.counts[kind])}</dd>
          </div>
        ))}
      </dl>
      {job.errors.length > 0 && (
        <>
          <h4>Skipped ({job.errors.length})</h4>
          <ul className="import-errors">
            {job.errors.map((e, i) => (
              <li key={i}>
                <bdi className="import-file">{e.file || 'the export'}</bdi>: {e.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
