import t from 'tap';
import { ExecStatus } from '../../../src/protocol/constants.js';
import { execFailure, fileFailure, toAgentResult } from '../../../src/server/agents/process-result.js';
import type { ProcessResult } from '../../../src/server/agents/process-runner.js';
import { errnoText, signalText } from '../../../src/server/agents/os-text.js';

const base: ProcessResult = {
  outcome: 'exited',
  exitCode: 0,
  signal: null,
  stdout: '',
  stderr: '',
  stdoutTruncated: false,
  stderrTruncated: false,
  startedAt: 0,
  durationMs: 1,
};
const rules = { kind: 'Resource agent', mapExit: (c: number) => c, exitReasons: true, timeoutMs: 20_000 };

t.test('each outcome', async (t) => {
  t.same(toAgentResult({ ...base, exitCode: 3, stdout: 'o' }, rules), { rc: 3, status: 0, output: 'o' });
  t.same(toAgentResult({ ...base, exitCode: null }, rules), { rc: 1, status: 0 }, 'no code: generic error');
  t.same(toAgentResult({ ...base, outcome: 'timeout', signal: 'SIGTERM' }, rules), {
    rc: 1,
    status: ExecStatus.timeout,
    exitReason: 'Resource agent did not complete within 20s',
  });
  t.same(toAgentResult({ ...base, outcome: 'signaled', exitCode: null, signal: 'SIGKILL' }, rules), {
    rc: 1,
    status: ExecStatus.error,
    exitReason: 'Resource agent interrupted by Killed signal',
  });
  t.same(toAgentResult({ ...base, outcome: 'signaled', exitCode: null, signal: null }, rules).exitReason,
    'Resource agent interrupted by unknown signal');
  t.same(toAgentResult({ ...base, outcome: 'cancelled', stderr: 'e' }, rules), { rc: 0, status: 1, output: 'e' });
  t.same(toAgentResult({ ...base, outcome: 'spawnFailed', errorCode: 'ENOENT' }, rules), {
    rc: 5,
    status: 0,
    exitReason: 'Child process was unable to execute file',
  });
  t.same(toAgentResult({ ...base, outcome: 'spawnFailed' }, rules).rc, 5, 'no errno: EINVAL');
});

t.test('exec and file failures by errno', async (t) => {
  const child = 'Child process was unable to execute file';
  t.same(execFailure('EPERM'), { rc: 4, status: 0, exitReason: child });
  t.same(execFailure('ENOEXEC'), { rc: 5, status: 0, exitReason: child });
  t.same(execFailure('EAGAIN'), { rc: 1, status: 0, exitReason: child });
  t.same(fileFailure('ENOTDIR', '/a'), { rc: 5, status: 7, exitReason: '/a: Not a directory' });
  t.same(fileFailure('EACCES', '/a'), { rc: 4, status: 4, exitReason: '/a: Permission denied' });
  t.same(fileFailure('EWHAT', '/a'), { rc: 1, status: 4, exitReason: '/a: EWHAT' });
  t.equal(errnoText('ENOEXEC'), 'Exec format error');
  t.equal(signalText('SIGSEGV'), 'Segmentation fault');
  t.equal(signalText('SIGRTMIN'), 'SIGRTMIN');
});
