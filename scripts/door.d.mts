// Types for scripts/door.mjs (plain JavaScript: it runs where only the build and node_modules exist).
import type { IncomingMessage, ServerResponse } from "node:http";

export declare const LEAN_PATHS: readonly string[];
export declare const PEER_HEADER: string;
export declare const DOOR_MARK: unique symbol;
export declare const GATE_KEY: unique symbol;

type Listener = (req: IncomingMessage, res: ServerResponse) => unknown;
export type DoorApp = {
  routes: Map<string, Record<string, unknown>>;
  gate: (method: string, rawPath: string) => Response | null;
  next: Listener | null;
};
export declare function createDoor(app: DoorApp): (req: IncomingMessage, res: ServerResponse) => void;
