// Our notifications and replies against frames captured from a real
// pacemaker-remoted 2.1.5 (spec/vectors/captured-2.1.5.json, spec/protocol.md
// §6.1, §6.2, §14): same attribute names, same echoed parameters.
import t from 'tap';
import { CallOpt, ExecStatus } from '../../../src/protocol/constants.js';
import { decodeMessage, encodeMessage } from '../../../src/protocol/messages/index.js';
import type { ExecNotify, Message, Reply } from '../../../src/protocol/messages/index.js';
import { parseXml } from '../../../src/protocol/xml/index.js';
import type { XmlElement } from '../../../src/protocol/xml/index.js';
import { createAction } from '../../../src/server/executor/action.js';
import { buildExecNotify, takeNotify } from '../../../src/server/executor/exec-notify.js';
import { createResource } from '../../../src/server/executor/resource.js';
import { loadVectors } from '../../helpers/vectors.js';
import { cancelReq, execReq, registerReq, setup } from './harness.js';

const file = loadVectors('captured-2.1.5.json');
if (!file) throw new Error('spec/vectors/captured-2.1.5.json is missing');
const vectors = file.vectors;
const frame = (name: string): XmlElement => {
  const v = vectors.find((x) => x.name === name);
  if (!v?.xml) throw new Error(`no vector ${name}`);
  return parseXml(v.xml);
};
const names = (el: XmlElement): string[] => Object.keys(el.attrs).sort();
const ours = (m: Message): XmlElement => encodeMessage(m);
const childNames = (el: XmlElement): string[] =>
  el.children.flatMap((c) => (c.type === 'element' ? [c.name] : []));

const captured = vectors.filter((v) => v.name.startsWith('s2c-') && v.name.includes('notify-lrmd_rsc_exec'));

t.test('every captured exec notify: same attribute names and echoed parameters as ours', async (t) => {
  t.ok(captured.length >= 10, `${captured.length} captured exec notifies`);
  for (const v of captured) {
    const el = parseXml(v.xml!);
    const real = decodeMessage(el) as ExecNotify;
    const h = setup();
    const c = h.client('A');
    h.send('A', registerReq(real.rscId));
    h.send(
      'A',
      execReq(real.rscId, real.action, {
        interval: real.interval,
        actionTimeout: real.timeout,
        startDelay: real.startDelay,
        userData: real.userData,
        params: real.params,
      }),
    );
    await h.clock.advance(real.startDelay);
    if (real.opStatus === ExecStatus.cancelled) {
      t.equal(h.send('A', cancelReq(real.rscId, real.action, real.interval))!.rc, 0);
    } else {
      h.runner.last(real.rscId).finish({
        rc: real.execRc,
        status: real.opStatus,
        exitReason: real.exitReason,
        output: real.output,
      });
      await h.clock.advance(0);
    }
    const mine = c.execs.at(-1)!;
    const enc = ours(mine);
    t.same(names(enc), names(el), `${v.name}: attribute names`);
    t.same(childNames(enc), childNames(el), `${v.name}: children`);
    t.same(mine.params, real.params, `${v.name}: parameters echoed`);
    t.match(
      mine,
      {
        origin: real.origin,
        op: real.op,
        rscId: real.rscId,
        action: real.action,
        interval: real.interval,
        timeout: real.timeout,
        startDelay: real.startDelay,
        execRc: real.opStatus === ExecStatus.cancelled ? 0 : real.execRc,
        opStatus: real.opStatus,
        userData: real.userData,
        exitReason: real.exitReason,
        output: real.output,
      },
      `${v.name}: values`,
    );
    t.equal(mine.rscDeleted, false);
  }
});

t.test('the values Pacemaker computes: re-runs and cancellations report zero times (s2c-016, s2c-023)', async (t) => {
  const rerun = decodeMessage(frame('s2c-016-notify-lrmd_rsc_exec-monitor_2000-recurring')) as ExecNotify;
  const cancelled = decodeMessage(frame('s2c-023-notify-lrmd_rsc_exec-monitor_2000-recurring-cancelled')) as ExecNotify;
  const h = setup();
  const c = h.client('A');
  h.send('A', registerReq('capture-rsc'));
  h.send('A', execReq('capture-rsc', 'monitor', { interval: 2000, userData: 'recurring', params: rerun.params }));
  h.runner.last('capture-rsc').finish();
  await h.clock.advance(2000);
  h.runner.last('capture-rsc').finish();
  await h.clock.advance(100);
  h.send('A', cancelReq('capture-rsc', 'monitor', 2000));
  const [, second, third] = c.execs;
  for (const [mine, real] of [
    [second!, rerun],
    [third!, cancelled],
  ] as const) {
    t.match(mine, {
      runTime: real.runTime,
      rcChangeTime: real.rcChangeTime,
      execTime: real.execTime,
      queueTime: real.queueTime,
      execRc: real.execRc,
      opStatus: real.opStatus,
    });
  }
});

t.test('a deleted, cancelled recurring action (s2c-057): rc kept, rc change time kept, deleted', async (t) => {
  const real = decodeMessage(frame('s2c-057-notify-lrmd_rsc_exec-monitor_3000-left-running-rc7-cancelled-deleted')) as ExecNotify;
  const h = setup();
  const c = h.client('A');
  h.send('A', registerReq('capture-rsc'));
  h.send('A', execReq('capture-rsc', 'monitor', { interval: 3000, callOptions: CallOpt.notifyChangesOnly }));
  h.runner.last('capture-rsc').finish({ rc: 7 });
  await h.clock.advance(10);
  h.send('A', { op: 'lrmd_rsc_unregister', rscId: 'capture-rsc' });
  const [first, last] = c.execs;
  t.match(last, { execRc: real.execRc, opStatus: real.opStatus, rscDeleted: true, runTime: 0, execTime: 0 });
  t.equal(last!.rcChangeTime, first!.rcChangeTime);
  t.ok(last!.rcChangeTime > 0);
});

t.test('generic notifications and replies: same attribute names as captured', async (t) => {
  const h = setup();
  const c = h.client('A');
  const pairs: [string, () => Message][] = [];
  const reply = (r: Reply | undefined) => () => r!;
  pairs.push(['s2c-004-reply-lrmd_rsc_info-rc-19', reply(h.send('A', { op: 'lrmd_rsc_info', rscId: 'capture-rsc' }))]);
  pairs.push(['s2c-006-reply-lrmd_rsc_register', reply(h.send('A', registerReq('capture-rsc')))]);
  const gen = c.generics.at(-1)!;
  pairs.push(['s2c-007-notify-lrmd_rsc_register', () => gen]);
  pairs.push(['s2c-008-reply-lrmd_rsc_info', reply(h.send('A', { op: 'lrmd_rsc_info', rscId: 'capture-rsc' }))]);
  pairs.push(['s2c-010-reply-lrmd_rsc_exec', reply(h.send('A', execReq('capture-rsc', 'monitor', { interval: 2000 })))]);
  h.runner.last('capture-rsc').finish();
  await h.clock.advance(0);
  pairs.push(['s2c-018-reply-lrmd_get_recurring', reply(h.send('A', { op: 'lrmd_get_recurring', rscId: 'capture-rsc' }))]);
  pairs.push(['s2c-021-reply-lrmd_get_recurring-rc-19', reply(h.send('A', { op: 'lrmd_get_recurring', rscId: 'x' }))]);
  pairs.push(['s2c-024-reply-lrmd_rsc_cancel', reply(h.send('A', cancelReq('capture-rsc', 'monitor', 2000)))]);
  pairs.push(['s2c-026-reply-lrmd_rsc_cancel-rc-95', reply(h.send('A', cancelReq('capture-rsc', 'monitor', 12345)))]);
  pairs.push(['s2c-038-reply-lrmd_rsc_exec-rc-19', reply(h.send('A', execReq('nope', 'monitor')))]);
  pairs.push(['s2c-050-reply-lrmd_rsc_poke', reply(h.send('A', { op: 'lrmd_rsc_poke' }))]);
  const poke = c.generics.at(-1)!;
  pairs.push(['s2c-051-notify-lrmd_rsc_poke', () => poke]);
  pairs.push(['s2c-044-reply-lrmd_rsc_unregister', reply(h.send('A', { op: 'lrmd_rsc_unregister', rscId: 'capture-rsc' }))]);
  const unreg = c.generics.at(-1)!;
  pairs.push(['s2c-045-notify-lrmd_rsc_unregister', () => unreg]);
  h.client('B');
  h.ex.announceNewClient('B');
  const nc = c.messages.at(-1)!;
  pairs.push(['s2c-059-notify-lrmd_rsc_new_client', () => nc]);
  for (const [name, make] of pairs) {
    const real = frame(name);
    const mine = ours(make());
    t.same(names(mine), names(real), `${name}: attribute names`);
    t.equal(mine.attrs.lrmd_origin, real.attrs.lrmd_origin, `${name}: origin`);
    if (real.attrs.lrmd_rc !== undefined && Number(real.attrs.lrmd_rc) <= 0) {
      t.equal(mine.attrs.lrmd_rc, real.attrs.lrmd_rc, `${name}: rc`);
    }
    t.same(
      mine.children.map((x) => (x.type === 'element' ? x.name : x.type)),
      real.children.map((x) => (x.type === 'element' ? x.name : x.type)),
      `${name}: children`,
    );
  }
});

t.test('takeNotify: changes-only keeps only the first and changed pairs', async (t) => {
  const rsc = createResource({ rscId: 'r', standard: 'ocf', provider: 'p', agent: 'D' }, 0, 0);
  const base = {
    clientId: 'A',
    action: 'monitor',
    key: 'monitor',
    interval: 1000,
    timeout: 0,
    startDelay: 0,
    params: {},
  };
  const all = createAction(rsc, { ...base, callOptions: 0 }, 1);
  const changes = createAction(rsc, { ...base, callOptions: CallOpt.notifyChangesOnly }, 2);
  const seq: [number, number][] = [
    [0, 0],
    [0, 0],
    [7, 0],
    [7, 2],
    [7, 2],
  ];
  t.same(
    seq.map(([rc, st]) => takeNotify(all, rc, st)),
    [true, true, true, true, true],
  );
  t.same(
    seq.map(([rc, st]) => takeNotify(changes, rc, st)),
    [true, false, true, true, false],
  );
  const n = buildExecNotify(changes, { rc: 0, status: 0, runTime: 0, execTime: 0, queueTime: 0, output: '', exitReason: '' });
  t.notOk('output' in n);
  t.notOk('exitReason' in n);
  t.notOk('userData' in n);
});
