import pino from "pino";
import { env } from "@/env";

/**
 * Structured JSON logs (pino) on stdout, one object per line: `level` as a word, `time` ISO, `msg`, then fields.
 * The level comes from LOG_LEVEL. Kept behind this small facade (message first, fields second) so call sites
 * don't depend on the library.
 */
type Sink = { write(line: string): unknown };
let sink: Sink = pino.destination({ fd: 1, sync: true });
let sinkReplaced = false;
/** Tests read the lines the app writes (null restores stdout). */
export function setLogSinkForTests(next: Sink | null): void {
  sink = next ?? pino.destination({ fd: 1, sync: true });
  sinkReplaced = next !== null;
}
/** Whether a test's sink is in place (tests/support/isolation-guard.ts checks that each file put stdout back). */
export const logSinkReplaced = (): boolean => sinkReplaced;

const logger = pino(
  {
    level: env.LOG_LEVEL,
    base: undefined,
    messageKey: "msg",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  { write: (line: string) => sink.write(line) },
);

/** The level in force (LOG_LEVEL), changeable by tests that read debug or info lines. */
export const setLogLevel = (level: "debug" | "info" | "warn" | "error") => void (logger.level = level);
export const logLevel = (): string => logger.level;

/** Whether lines of `level` are written now (callers skip building fields nobody reads). */
export const logLevelEnabled = (level: "debug" | "info" | "warn" | "error"): boolean => logger.isLevelEnabled(level);

type Fields = Record<string, unknown>;

export const log = {
  debug: (m: string, f?: Fields) => logger.debug(f ?? {}, m),
  info: (m: string, f?: Fields) => logger.info(f ?? {}, m),
  warn: (m: string, f?: Fields) => logger.warn(f ?? {}, m),
  error: (m: string, f?: Fields) => logger.error(f ?? {}, m),
};
