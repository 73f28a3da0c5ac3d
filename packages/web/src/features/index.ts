/**
 * Every feature module that extends the conversation (features/messages/extensions.ts) is
 * imported here, once, for its side effect of registering itself. Add a line per feature.
 * The order is the order of the actions menu, the add-ons and the composer's buttons.
 */
import './conversations/MembersPanel.js';
import './message-features.css';
import './replies/replies.js';
import './threads/threads.js';
// Link previews (issue 37): the card right under the body.
import './link-previews/link-previews.js';
import './threads/followed-threads.js';
import './reactions/reactions.js';
import './editing/editing.js';
import './pins/pins.js';
import './attachments/attachments.js';
import './voice/voice.js';
import './location/location.js';
// Polls, forwarding and saved messages (issue 37).
import './polls/polls.js';
import './forward/forward.js';
import './saved/saved.js';
import './mentions/MentionAutocomplete.js';
import './search/search.js';
import './settings/settings.js';
import './notifications/notifications.js';
// Assist: needs reply, catch up (issue 40).
import './assist/assist.js';
// End-to-end encrypted conversations (issue 39): the header's switch, the placeholder.
import './encryption/encryption.js';
import './encryption/encrypted-files.js';
