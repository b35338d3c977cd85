// Structured logs (pino, JSON to stderr) with child loggers per component. Personal data never
// reaches a log line: only hashed keys, codes, counts and source positions are logged.
import pino from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string, component = "hotline-sensor"): Logger {
  return pino({ level, base: { component } }, pino.destination({ fd: 2, sync: true }));
}
