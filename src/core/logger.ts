/** Structured logging (pino). One logger per process; modules take children named after them. */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the process logger; secrets and personal data are never passed to it. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'tsunagu' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'], censor: '[redacted]' },
    },
    destination ?? process.stdout,
  );
}
