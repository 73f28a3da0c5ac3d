import { createContext, useContext, useSyncExternalStore } from 'react';
import type { SessionController, SessionState } from './session.js';

export const SessionContext = createContext<SessionController | null>(null);

export function useSessionController(): SessionController {
  const controller = useContext(SessionContext);
  if (controller === null) throw new Error('useSessionController outside <SessionContext>');
  return controller;
}

export function useSession(): SessionState {
  const controller = useSessionController();
  return useSyncExternalStore(controller.subscribe, controller.getState);
}

export type SignedIn = Extract<SessionState, { status: 'signed-in' }>;

/** The signed-in session; only for components under the signed-in shell. */
export function useSignedIn(): SignedIn {
  const state = useSession();
  if (state.status !== 'signed-in') throw new Error('useSignedIn outside the signed-in app');
  return state;
}
