import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { announceListening } from './ready';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: pino({ base: {} }, stream) };
}

const details = { port: 3000, url: 'http://localhost:3000', database: 'pglite', dev: false };

describe('announceListening', () => {
  it('prints one plain line at a terminal, and logs nothing', () => {
    const log = capture();
    const written: string[] = [];
    announceListening(log.logger, details, { isTTY: true, write: (text) => written.push(text) });
    expect(written).toEqual(['Ready on http://localhost:3000\n']);
    expect(log.lines).toEqual([]);
  });

  it.each([[false], [undefined]])(
    'logs the JSON `listening` line when stdout is not a terminal (isTTY %s)',
    (isTTY) => {
      const log = capture();
      const written: string[] = [];
      announceListening(log.logger, details, { isTTY, write: (text) => written.push(text) });
      expect(written).toEqual([]);
      expect(log.lines).toHaveLength(1);
      expect(JSON.parse(log.lines[0]!)).toMatchObject({ msg: 'listening', ...details });
    },
  );
});
