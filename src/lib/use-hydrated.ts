import { useSyncExternalStore } from "react";

/** For useSyncExternalStore reads that never change while the page is open (no event to subscribe to). */
export const noSubscription = () => () => {};

/**
 * False in the server's HTML and until React has hydrated this component, then true. A button whose handler is
 * JavaScript stays disabled until then: a tap before hydration would otherwise do nothing, silently.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(noSubscription, () => true, () => false);
}
