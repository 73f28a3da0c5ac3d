import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import type { SendOptions } from '@confab/client';
import type { ConversationSummary } from '@confab/protocol';
import { useApp } from '../../state/AppContext.js';
import { type ComposerContext, composerAddons, composerDraftLinks } from './extensions.js';
import { useTypingSignal } from './useTypingSignal.js';
import { LengthCounter, useLengthLimit } from './LengthLimit.js';

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
  const counterId = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  // Issue 35 item 5: the instance's limit, counted near it and refused past it; a failed message's Edit lands here.
  const measured = useLengthLimit(text);
  const [carried, setCarried] = useState<SendOptions>({});
  useEffect(
    () =>
      services.outbox.refills.listen(conversation.id, ({ body, links }) => {
        setText(body);
        setCarried(links);
        field.current?.focus();
      }),
    [services.outbox, conversation.id],
  );
  const composer: ComposerContext = {
    conversation,
    services,
    text,
    setText,
    field,
    send: (body, links) => services.outbox.send(conversation.id, body, links),
  };
  const submit = () => {
    const body = text.trim();
    if (body === '' || measured.over) return;
    composer.send(text, Object.assign({}, carried, ...composerDraftLinks.map((draft) => draft.links(conversation.id))));
    for (const draft of composerDraftLinks) draft.sent(conversation.id);
    setText('');
    setCarried({});
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
          ref={field}
          id={id}
          dir="auto"
          rows={1}
          value={text}
          placeholder="Write a message"
          aria-invalid={measured.over || undefined}
          aria-describedby={measured.near ? counterId : undefined}
          onChange={(event) => {
            setText(event.target.value);
            onTyping(event.target.value);
          }}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="primary" disabled={measured.over}>
          Send
        </button>
      </div>
      <LengthCounter measured={measured} id={counterId} />
    </form>
  );
}
