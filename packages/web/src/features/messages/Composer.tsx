import { type KeyboardEvent, useId, useState } from 'react';
import type { ConversationSummary } from '@confab/protocol';
import { useApp } from '../../state/AppContext.js';
import { type ComposerContext, composerAddons } from './extensions.js';
import { useTypingSignal } from './useTypingSignal.js';

/**
 * The message field: Enter sends, Shift+Enter starts a new line. Sends go through the outbox
 * (pending at once, delivered when the connection allows). Add-ons (extensions.ts) render
 * beside the field with the same `send`.
 */
export function Composer({ conversation }: { conversation: ConversationSummary }) {
  const services = useApp();
  const onTyping = useTypingSignal(services.connection, conversation.id);
  const [text, setText] = useState('');
  const id = useId();
  const composer: ComposerContext = {
    conversation,
    services,
    text,
    setText,
    send: (body, links) => services.outbox.send(conversation.id, body, links),
  };
  const submit = () => {
    const body = text.trim();
    if (body === '') return;
    composer.send(text);
    setText('');
    onTyping('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };
  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <label htmlFor={id}>Message</label>
      <div className="composer-row">
        {composerAddons.map(({ id: addonId, component: Addon }) => (
          <Addon key={addonId} composer={composer} />
        ))}
        <textarea
          id={id}
          dir="auto"
          rows={1}
          value={text}
          placeholder="Write a message"
          onChange={(event) => {
            setText(event.target.value);
            onTyping(event.target.value);
          }}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="primary">
          Send
        </button>
      </div>
    </form>
  );
}
