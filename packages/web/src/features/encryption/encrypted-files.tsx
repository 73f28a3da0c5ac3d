import { useState } from 'react';
import { type ConfabClient, type EncryptedFileRef, encryptedFilesOf } from '@confab/client';
import { MAX_ATTACHMENTS } from '@confab/protocol';
import { FileText } from 'lucide-react';
import { FilePicker } from '../../components/FilePicker.js';
import { formatBytes, useDecryptedFileUrl } from '../attachments/file-urls.js';
import { type ComposerContext, type MessageContext, composerAddons, messageAddons } from '../messages/extensions.js';

/**
 * Files in encrypted conversations (issue 39 part 5): "Attach files" encrypts each chosen file in
 * this browser (the SDK's `sendEncryptedFiles`: AES-256-GCM, a fresh key per file), uploads the
 * ciphertext and sends the keys inside the MLS message. Received, each file is downloaded, its
 * hash checked and decrypted here: images shown, other files offered as downloads. The server
 * cannot make thumbnails of ciphertext, so images are shown from the decrypted file.
 */
composerAddons.push({ id: 'encrypted-attachments', component: EncryptedAttachControl, encryptedOnly: true });
messageAddons.push({ id: 'encrypted-files', component: EncryptedFiles });

function EncryptedAttachControl({ composer }: { composer: ComposerContext }) {
  const [state, setState] = useState<{ sending: boolean; error?: string }>({ sending: false });
  const send = async (files: File[]) => {
    if (files.length > MAX_ATTACHMENTS) return setState({ sending: false, error: `At most ${MAX_ATTACHMENTS} files go in one message.` });
    setState({ sending: true });
    try {
      await composer.services.client.sendEncryptedFiles(composer.conversation.id, files);
      setState({ sending: false });
    } catch (error) {
      setState({ sending: false, error: `The files were not sent: ${error instanceof Error ? error.message : String(error)}` });
    }
  };
  return (
    <>
      <FilePicker inputLabel="Files to encrypt and send" disabled={state.sending} onFiles={(files) => void send(files)} />
      {state.sending && <p role="status">Encrypting and sending…</p>}
      {state.error && <p role="alert">{state.error}</p>}
    </>
  );
}

/** The files of a decrypted message, each decrypted here once per session (a voice note's audio is its player: VoiceBody). */
function EncryptedFiles({ context }: { context: MessageContext }) {
  const files = context.message.deletedAt === null && context.message.kind !== 'voice' ? encryptedFilesOf(context.message) : [];
  if (files.length === 0) return null;
  return (
    <ul className="encrypted-files" aria-label="Encrypted files">
      {files.map((ref) => (
        <li key={ref.uploadId}>
          <EncryptedFile client={context.services.client} file={ref} />
        </li>
      ))}
    </ul>
  );
}

function EncryptedFile({ client, file }: { client: ConfabClient; file: EncryptedFileRef }) {
  const state = useDecryptedFileUrl(client, file);
  if (state.failed) return <p className="error">{file.name}: this file could not be downloaded, or is not the one that was sent.</p>;
  if (!state.url) return <p className="hint">Decrypting {file.name}…</p>;
  if (file.type.startsWith('image/')) return <img className="encrypted-image" src={state.url} alt={file.name} />;
  return (
    <a href={state.url} download={file.name} className="encrypted-file">
      <FileText aria-hidden="true" size={16} /> <bdi>{file.name}</bdi> <span className="hint">{formatBytes(file.size)}</span>
    </a>
  );
}
