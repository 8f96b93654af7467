// The daemon's logger: level names, ISO times, file output and reopen.
import t from 'tap';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDaemonLogger } from '../../../src/cli/remoted/logger.js';

const work = mkdtempSync(join(tmpdir(), 'pcmk-log-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

t.test('JSON lines with level names; level filters', async (t) => {
  const lines: string[] = [];
  const { logger } = createDaemonLogger({ level: 'info', stream: { write: (s: string) => void lines.push(s) } });
  logger.debug({ x: 1 }, 'hidden');
  logger.info({ x: 2 }, 'shown');
  t.equal(lines.length, 1);
  t.notOk('name' in JSON.parse(lines[0]!), 'no name field: the daemon logs client names as name');
  t.match(JSON.parse(lines[0]!), { level: 'info', pid: process.pid, x: 2, msg: 'shown', time: /^\d{4}-\d\d-\d\dT/ });
});

t.test('a file, appended and reopened after rotation', async (t) => {
  const file = join(work, 'd.log');
  const log = createDaemonLogger({ level: 'debug', file });
  log.logger.debug({}, 'one');
  renameSync(file, file + '.1');
  log.logger.info({}, 'two');
  log.reopen();
  log.logger.info({}, 'three');
  t.match(readFileSync(file + '.1', 'utf8'), /"one"[\s\S]*"two"/);
  t.match(readFileSync(file, 'utf8'), /"three"/);
  t.throws(() => createDaemonLogger({ level: 'info', file: join(work, 'no', 'dir', 'x.log') }), { code: 'ENOENT' });
});

t.test('standard error destination', async (t) => {
  const log = createDaemonLogger({ level: 'silent' });
  log.logger.fatal({}, 'nothing');
  log.reopen();
  t.pass('silent logger to stderr, reopen is a no-op');
});
