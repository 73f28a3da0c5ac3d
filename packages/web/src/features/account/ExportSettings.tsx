import { useCallback, useState } from 'react';
import { useAction } from '../../components/useAction.js';
import { useSignedIn } from '../../session/SessionContext.js';
import { FormOutcome } from './Notice.js';

/** Downloading all my data: the file the server streams, saved by the browser as confab-export-<username>.json. */
export function ExportSettings() {
  const { me, client } = useSignedIn();
  const [done, setDone] = useState<string | null>(null);
  const download = useAction(
    useCallback(async () => {
      setDone(null);
      const blob = await (await client.account.exportFile()).blob();
      saveBlob(blob, `confab-export-${me.username}.json`);
      setDone(`Your data was downloaded (${formatSize(blob.size)}).`);
    }, [client, me.username]),
  );
  return (
    <section className="settings-section" aria-labelledby="export-title">
      <h3 id="export-title">Your data</h3>
      <p>One JSON file with your profile, sessions, conversations, the messages you wrote and your read receipts.</p>
      <FormOutcome error={download.error} done={done} />
      <button type="button" className="primary" disabled={download.busy} onClick={() => void download.run()}>
        {download.busy ? 'Preparing…' : 'Download my data'}
      </button>
    </section>
  );
}

/** The browser's own download of an in-memory file: a link to an object URL, clicked, then released. */
function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // Released after the click has been handled: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
