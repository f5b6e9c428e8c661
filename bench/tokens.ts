/**
 * The token file the wrk scripts read at init: one line per rep, "<access token> <location id> <lat> <lon>",
 * the point ~11 m north of the rep's location (inside its 50 m fence). Access tokens live 15 minutes, so
 * the bench writes a fresh file before each round.
 */
import { writeFileSync } from "node:fs";
import type { BenchData } from "./prepare";

type Issue = (personnelId: number, now: Date) => Promise<string>;

export async function writeTokenFile(file: string, repIds: number[], sample: BenchData["sample"], issue: Issue): Promise<void> {
  const now = new Date();
  const tokens = await Promise.all(repIds.map((id) => issue(id, now)));
  const lines = repIds.map((_, k) => {
    const loc = sample[k % sample.length]!;
    return `${tokens[k]} ${loc.id} ${(loc.lat + 0.0001).toFixed(7)} ${loc.lon.toFixed(7)}`;
  });
  writeFileSync(file, lines.join("\n") + "\n");
}

export const range = (first: number, last: number) => Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
