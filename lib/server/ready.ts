import type { Logger } from '../logger';

export type ListeningDetails = { port: number; url: string; database: string; dev: boolean };
/** The part of process.stdout the announcement needs. */
export type Output = { isTTY?: boolean; write(text: string): unknown };

/**
 * Says that the server is listening: one plain line ("Ready on http://localhost:3000") for a person at a terminal,
 * the JSON log line `listening` (which tests and log collectors read) everywhere else.
 */
export function announceListening(logger: Logger, details: ListeningDetails, output: Output): void {
  if (output.isTTY) output.write(`Ready on ${details.url}\n`);
  else logger.info(details, 'listening');
}
