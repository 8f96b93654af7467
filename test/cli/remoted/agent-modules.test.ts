// Agent modules of `pcmk-remoted --agents`: the two export forms, names,
// and every way a module can be unusable (AGENT_MODULE).
import t from 'tap';
import { loadAgentModule, splitName, type AgentDefiner } from '../../../src/cli/remoted/agent-modules.js';

function registry(): AgentDefiner & { names: string[] } {
  const names: string[] = [];
  return {
    names,
    define(standard, provider, type) {
      names.push(`${standard}|${provider ?? ''}|${type}`);
    },
  };
}

const from = (mod: unknown) => () => Promise.resolve(mod);

t.test('agents record and defineAgents, both in one module', async (t) => {
  const r = registry();
  const m = await loadAgentModule(
    'x.mjs',
    '/base',
    from({ agents: { 'ocf:acme:A': {}, 'service:b': {} }, defineAgents: (d: AgentDefiner) => d.define('ocf', 'acme', 'C', {}) }),
  );
  t.equal(m.path, 'x.mjs');
  t.same(await m.define(r), ['ocf:acme:A', 'service:b', 'ocf:acme:C']);
  t.same(r.names, ['ocf|acme|A', 'service||b', 'ocf|acme|C']);
});

t.test('the importer gets a file URL resolved against cwd', async (t) => {
  let seen = '';
  await loadAgentModule('sub/a.mjs', '/base', (url) => ((seen = url), Promise.resolve({ agents: { 'ocf:p:t': {} } })));
  t.equal(seen, 'file:///base/sub/a.mjs');
});

t.test('unusable modules are AGENT_MODULE errors', async (t) => {
  await t.rejects(loadAgentModule('a', '/', () => Promise.reject(new Error('nope'))), { code: 'AGENT_MODULE', message: /agent module a: nope/ });
  await t.rejects(loadAgentModule('a', '/', () => Promise.reject('text')), { code: 'AGENT_MODULE', message: /text/ });
  await t.rejects(loadAgentModule('a', '/', from(undefined)), { code: 'AGENT_MODULE', message: /exports neither/ });
  await t.rejects(loadAgentModule('a', '/', from({ agents: 3 })), { code: 'AGENT_MODULE', message: /not an object/ });
  await t.rejects(loadAgentModule('a', '/', from({ agents: null })), { code: 'AGENT_MODULE', message: /not an object/ });
  await t.rejects(loadAgentModule('a', '/', from({ defineAgents: 'x' })), { code: 'AGENT_MODULE', message: /not a function/ });
  const empty = await loadAgentModule('a', '/', from({ agents: {} }));
  await t.rejects(empty.define(registry()), { code: 'AGENT_MODULE', message: /defines no agent/ });
  const badName = await loadAgentModule('a', '/', from({ agents: { 'ocf::x': {} } }));
  await t.rejects(badName.define(registry()), { code: 'AGENT_MODULE', message: /'ocf::x' is not/ });
  const throws = await loadAgentModule('a', '/', from({ defineAgents: () => Promise.reject(new Error('boom')) }));
  await t.rejects(throws.define(registry()), { code: 'AGENT_MODULE', message: /a: boom/ });
  const throwsText = await loadAgentModule('a', '/', from({ defineAgents: () => { throw 'bad'; } }));
  await t.rejects(throwsText.define(registry()), { code: 'AGENT_MODULE', message: /a: bad/ });
});

t.test('splitName', async (t) => {
  t.same(splitName('ocf:acme:X', 'm'), ['ocf', 'acme', 'X']);
  t.same(splitName('lsb:x', 'm'), ['lsb', undefined, 'x']);
  for (const bad of ['x', 'a:b:c:d', ':b', 'a::c', '']) t.throws(() => splitName(bad, 'm'), { code: 'AGENT_MODULE' }, bad);
});
