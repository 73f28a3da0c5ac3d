import { describePresenceTrackerConformance } from './presence-tracker.conformance.js';
import { LocalPresenceTracker } from './presence-tracker.js';

describePresenceTrackerConformance('local', () => Promise.resolve(new LocalPresenceTracker()));
