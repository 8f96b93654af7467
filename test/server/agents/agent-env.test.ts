import t from 'tap';
import { alertEnv, inheritedEnv, ocfEnv, putEnv } from '../../../src/server/agents/agent-env.js';

t.test('inheritedEnv drops NOTIFY_SOCKET and undefined values', async (t) => {
  t.same(inheritedEnv({ A: '1', NOTIFY_SOCKET: '/run/n', B: undefined }), { A: '1' });
  t.ok(Object.keys(inheritedEnv()).length > 0, 'defaults to process.env');
});

t.test('putEnv behaves like setenv', async (t) => {
  const env: Record<string, string> = {};
  putEnv(env, 'A', 'x\0y');
  putEnv(env, '', 'v');
  putEnv(env, 'B=C', 'v');
  putEnv(env, 'D\0', 'v');
  t.same(env, { A: 'x' });
});

t.test('ocfEnv: prefixed parameters, then the fixed variables win', async (t) => {
  const env = ocfEnv(
    { PATH: '/bin', OCF_ROOT: '/old' },
    { rscId: 'r', provider: 'p', agent: 'a', ocfRoot: '/usr/lib/ocf', params: { x: '1', OCF_CHECK_LEVEL: '20' } },
  );
  t.same(env, {
    PATH: '/bin',
    OCF_ROOT: '/usr/lib/ocf',
    OCF_RESKEY_x: '1',
    OCF_CHECK_LEVEL: '20',
    OCF_RA_VERSION_MAJOR: '1',
    OCF_RA_VERSION_MINOR: '1',
    OCF_EXIT_REASON_PREFIX: 'ocf-exit-reason:',
    OCF_RESOURCE_INSTANCE: 'r',
    OCF_RESOURCE_TYPE: 'a',
    OCF_RESOURCE_PROVIDER: 'p',
  });
});

t.test('alertEnv exports parameters verbatim', async (t) => {
  t.same(alertEnv({ PATH: '/bin' }, { CRM_alert_kind: 'node', PATH: '/x' }), { PATH: '/x', CRM_alert_kind: 'node' });
});
