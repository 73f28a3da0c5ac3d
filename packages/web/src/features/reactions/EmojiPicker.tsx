import { EmojiPicker as Frimousse } from 'frimousse';
import { useRecentEmoji } from './recent-emoji.js';
import './emoji-picker.css';

/** Where the app serves emojibase's data (vite.config.ts, emojiData): never a CDN. */
export const EMOJI_DATA_URL = '/emoji';

/**
 * The full emoji picker (frimousse): search, the categories with their headers, skin tones, and
 * a "Recently used" row on top. Loaded lazily (EmojiPickerButton) with its data: it is not in
 * the first-load bundle.
 */
export default function EmojiPicker({ onPick }: { onPick(emoji: string): void }) {
  const [recent, list] = useRecentEmoji();
  const pick = (emoji: string) => {
    recent.use(emoji);
    onPick(emoji);
  };
  return (
    <Frimousse.Root className="emoji-picker" emojibaseUrl={EMOJI_DATA_URL} onEmojiSelect={({ emoji }) => pick(emoji)} columns={8}>
      <div className="emoji-picker-top">
        <Frimousse.Search className="emoji-picker-search" aria-label="Search emoji" placeholder="Search emoji" autoFocus />
        <Frimousse.SkinToneSelector className="emoji-picker-skin" aria-label="Skin tone" />
      </div>
      {list.length > 0 && (
        <div className="emoji-picker-recent" role="group" aria-label="Recently used">
          {list.slice(0, 8).map((emoji) => (
            <button key={emoji} type="button" aria-label={emoji} onClick={() => pick(emoji)}>
              {emoji}
            </button>
          ))}
        </div>
      )}
      <Frimousse.Viewport className="emoji-picker-viewport">
        <Frimousse.Loading className="emoji-picker-note">Loading…</Frimousse.Loading>
        <Frimousse.Empty className="emoji-picker-note">No emoji found.</Frimousse.Empty>
        <Frimousse.List
          className="emoji-picker-list"
          components={{
            CategoryHeader: ({ category, ...props }) => (
              <div className="emoji-picker-category" {...props}>
                {category.label}
              </div>
            ),
            Emoji: ({ emoji, ...props }) => (
              <button className="emoji-picker-emoji" {...props}>
                {emoji.emoji}
              </button>
            ),
          }}
        />
      </Frimousse.Viewport>
    </Frimousse.Root>
  );
}
