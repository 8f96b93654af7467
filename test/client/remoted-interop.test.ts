// The Client against the real pacemaker-remoted 2.1.5 (256-byte key), inside
// private network namespaces (spec/protocol.md §4–§7). Each area is one
// fixture program (test/client/fixtures/remoted-<area>.ts) run next to its own
// fresh daemon; it prints a JSON report that the subtest asserts on. Three
// fixtures run at a time (PCMK_INTEROP_JOBS) to keep the wall time down.
// Needs root, unshare and the daemon from scripts/install-debian-deps.sh.
// Outside CI it skips loudly when those are missing; in CI (CI=true) it fails.
import t, { type Test } from 'tap';
import { ExecStatus, OcfExit } from '../../src/protocol/constants.js';
import { lastJsonLine, runRealRemoted, unavailable, type RealRemotedRun } from '../helpers/real-remoted.js';

/** A fixture's report: plain JSON. */
type Report = Record<string, any>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const AREAS = ['client', 'connect', 'resources', 'recurring', 'unregister', 'clients', 'alert', 'payloads'] as const;
type Area = (typeof AREAS)[number];
const JOBS = Math.max(1, Number(process.env.PCMK_INTEROP_JOBS ?? 3));

/** Start every fixture, at most JOBS at once; each subtest awaits its own. */
function startAll(): Map<Area, Promise<RealRemotedRun>> {
  const runs = new Map<Area, Promise<RealRemotedRun>>();
  const queue = [...AREAS];
  const slots: Array<() => void> = [];
  let active = 0;
  const next = (): void => {
    while (active < JOBS && slots.length > 0) {
      active++;
      slots.shift()!();
    }
  };
  for (const area of queue) {
    runs.set(
      area,
      new Promise<void>((go) => {
        slots.push(go);
      }).then(async () => {
        try {
          return await runRealRemoted(`test/client/fixtures/remoted-${area}.ts`, { fixtureLimitS: 90 });
        } finally {
          active--;
          next();
        }
      }),
    );
  }
  next();
  return runs;
}

if (unavailable && process.env.CI) {
  t.fail(`${unavailable} — in CI this test must run`);
} else if (unavailable) {
  t.test('Client against the real pacemaker-remoted 2.1.5', { skip: unavailable }, () => {});
} else {
  // Daemons and fixtures can be slow on a busy machine: more than the default file limit.
  t.setTimeout(240_000);
  const runs = startAll();
  const wall0 = performance.now();

  /** A subtest over one fixture's report; fails (with stderr) when the fixture did. */
  const area = (name: Area, title: string, check: (t: Test, r: Report) => void): void => {
    t.test(`${title} [remoted-${name}.ts]`, { timeout: 300_000 }, async (t) => {
      const run = await runs.get(name)!;
      let report: Report | undefined;
      try {
        report = lastJsonLine<Report>(run.stdout);
      } catch {
        report = undefined;
      }
      t.equal(run.status, 0, `fixture exit status (stderr tail: ${run.stderr.slice(-2500)})`);
      if (report?.fixtureError) t.fail(`fixture error: ${JSON.stringify(report.fixtureError)}`);
      if (run.status !== 0 || !report) return;
      check(t, report);
      t.comment(`${name}: ${run.ms} ms including daemon start`);
    });
  };

  area('client', 'basic session: register, Dummy ops, poke', (t, res) => {
    t.match(res.register.clientId, UUID);
    t.equal(res.register.peerProtocolVersion, '1.1');
    t.equal(res.register.uptime, undefined, '2.1.5 sends no uptime');
    t.equal(res.infoBefore, undefined);
    t.same(res.info, { rscId: 'dummy1', standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' });
    t.match(res.probe, { rc: 7, status: 0 }, 'probe before start: not running');
    t.match(res.start, { rc: 0, status: 0 });
    t.match(res.monitor, { rc: 0, status: 0 });
    t.match(res.stop, { rc: 0, status: 0 });
    t.same(res.unregister, { inProgress: false });
    t.equal(res.infoAfter, null);
    t.ok(res.notifies.includes('lrmd_rsc_register') && res.notifies.includes('lrmd_rsc_unregister'), 'generic notifies seen');
    t.ok(res.pokeMs.p50 < 200, `poke p50 ${res.pokeMs.p50} ms`);
    t.comment(`real daemon timings (ms): ${JSON.stringify(res.ms)}; poke p50 ${res.pokeMs.p50} / max ${res.pokeMs.max}`);
  });

  area('connect', 'connect; wrong key and non-TLS peers are refused with typed errors', (t, r) => {
    t.match(r.good, { connected: true, peerProtocolVersion: '1.1', uptime: null, nodeStartState: null });
    t.match(r.good.clientId, UUID);
    t.equal(r.good.encoding, 'xml', 'the protobuf offer is ignored by Pacemaker: XML stays');
    t.ok(r.closedAfterClose, 'not connected after close()');
    for (const k of ['wrongKey', 'wrongKeyShort', 'wrongKeyLong']) {
      t.match(r[k], { name: 'TransportError', code: 'TLS_HANDSHAKE_FAILED' }, `${k} refused`);
      t.ok(r[k].ms < 3000, `${k} refused at once (${r[k].ms} ms)`);
    }
    t.match(r.garbagePeer, { name: 'TransportError', code: 'TLS_HANDSHAKE_FAILED' }, 'a peer writing garbage');
    t.match(r.closingPeer, { name: 'TransportError', code: 'TLS_HANDSHAKE_FAILED' }, 'a peer that closes at once');
    t.match(r.silentPeer, { name: 'TransportError', code: 'TLS_HANDSHAKE_TIMEOUT' }, 'a silent peer');
    t.ok(r.silentPeer.ms >= 1400 && r.silentPeer.ms < 6000, `silent peer timed out after ${r.silentPeer.ms} ms (limit 1500)`);
    t.match(r.refused, { name: 'TransportError', code: 'CONNECT_FAILED' }, 'nothing listening');
    t.same(r.afterwards, { connected: true, clientIdDiffers: true }, 'the daemon still serves; a new client id');
  });

  area('resources', 'register/info round trips, Dummy life cycle, timeout, missing agent, error replies', (t, r) => {
    const odd = `a&b<c>d"e'f`;
    t.equal(r.oddId, odd);
    t.equal(r.infoUnknown, null, 'info of an unknown resource: undefined');
    t.same(r.infoOdd, { rscId: odd, standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' }, 'id with & < > " \' round-trips');
    t.same(r.infoReplaced, { rscId: odd, standard: 'ocf', provider: 'pacemaker', agent: 'Stateful' }, 'registering again with another agent replaces');
    t.same(r.infoLsb, { rscId: 'lsb1', standard: 'lsb', agent: 'no-such-script' }, 'no provider for lsb');
    t.match(r.probeOdd, { rscId: odd, execRc: OcfExit.notRunning, opStatus: ExecStatus.done }, 'the odd id works for exec too');
    t.same(r.unregisterOdd, { inProgress: false });
    t.equal(r.infoOddAfter, null);
    t.match(r.lsbMonitor, { execRc: OcfExit.notInstalled, opStatus: ExecStatus.notInstalled, exitReason: '/etc/init.d/no-such-script: No such file or directory' });

    t.same(r.info, { rscId: 'dummy1', standard: 'ocf', provider: 'pacemaker', agent: 'Dummy' });
    const params = { state: r.probe.params.state, fake: 'x&y<z>"q\'' };
    t.match(r.probe, { action: 'monitor', interval: 0, execRc: OcfExit.notRunning, opStatus: ExecStatus.done, rscDeleted: false, userData: '1:2:0:uuid&<x>', timeout: 20_000, runTimeSet: true });
    t.same(r.probe.params, params, 'parameters echoed, escaping intact');
    t.notOk(r.stateBeforeStart, 'no state file before start');
    t.match(r.start, { action: 'start', execRc: OcfExit.ok, opStatus: ExecStatus.done });
    t.same(r.start.params, params);
    t.ok(r.stateAfterStart, 'start created the state file');
    t.match(r.monitor, { action: 'monitor', execRc: OcfExit.ok, opStatus: ExecStatus.done });
    t.match(r.stop, { action: 'stop', execRc: OcfExit.ok, opStatus: ExecStatus.done });
    t.notOk(r.stateAfterStop, 'stop removed the state file');
    t.match(r.monitorAfterStop, { execRc: OcfExit.notRunning, opStatus: ExecStatus.done });

    t.match(r.timedOut, { action: 'start', execRc: OcfExit.unknownError, opStatus: ExecStatus.timeout, timeout: 1000 }, 'op_sleep=5 with a 1 s limit times out');
    t.match(r.timedOut.exitReason, /did not complete within 1000ms/);
    t.ok(r.timedOut.ms >= 900 && r.timedOut.ms < 4000, `timed out after ${r.timedOut.ms} ms`);
    t.notOk(r.slowStateAfter, 'the killed start left no state file');

    for (const k of ['missingMonitor', 'missingStart']) {
      t.match(r[k], { execRc: OcfExit.notInstalled, opStatus: ExecStatus.notInstalled, exitReason: 'NoSuchAgent: No such file or directory' }, `${k}: not installed`);
    }
    t.match(r.missingProvider, { execRc: OcfExit.notInstalled, opStatus: ExecStatus.notInstalled, exitReason: 'Dummy: No such file or directory' });

    t.match(r.errors.execUnknownRsc, { error: { name: 'PeerError', code: 'ENODEV', rc: -19 } });
    t.match(r.errors.cancelUnknownRsc, { error: { name: 'PeerError', code: 'ENODEV', rc: -19 } });
    t.match(r.errors.cancelUnknownOp, { error: { name: 'PeerError', code: 'EOPNOTSUPP', rc: -95 } });
    t.match(r.errors.recurringUnknownRsc, { error: { name: 'PeerError', code: 'ENODEV', rc: -19 } });
    t.same(r.errors.unregisterUnknownRsc, { ok: { inProgress: false } }, 'unregistering an unknown id succeeds');
    t.same(
      [...r.recurringAll].map((e: Report) => e.rscId).sort(),
      ['dummy1', 'missing1', 'missing2', 'slow1'],
      'get_recurring lists every registered resource',
    );
    t.ok(r.recurringAll.every((e: Report) => e.ops.length === 0), 'none has recurring ops');
    const ids: number[] = r.callIds;
    t.ok(ids.every((id, i) => id > 0 && (i === 0 || id > ids[i - 1]!)), `call ids positive and increasing: ${ids.join(',')}`);
    const generic: Report[] = r.generic;
    t.ok(generic.every((g) => g.op === 'lrmd_rsc_register' || g.op === 'lrmd_rsc_unregister'), 'only register/unregister generic notifies');
    t.ok(generic.some((g) => g.op === 'lrmd_rsc_unregister' && g.rscId === 'nope' && g.rc === 0), 'unregistering an unknown id is still notified');
    t.ok(generic.some((g) => g.op === 'lrmd_rsc_register' && g.rscId === odd), 'register notify carries the odd id');
  });

  area('recurring', 'recurring monitor, changes-only, cancel, stop cancels', (t, r) => {
    const p = r.plain;
    t.equal(p.startRc, 0);
    t.ok(p.gotThree, 'three results of a 1000 ms monitor');
    t.same(p.listed, [{ rscId: 'rec1', ops: [{ action: 'monitor', interval: 1000, timeout: 20_000 }] }], 'listed by get_recurring');
    const first: Report[] = p.results.filter((x: Report) => x.callId === p.callId);
    t.ok(first.length >= 3, `${first.length} results before the duplicate`);
    t.ok(first.every((x) => x.execRc === 0 && x.opStatus === 0 && x.interval === 1000));
    const gaps = first.slice(1).map((x, i) => x.at - first[i]!.at);
    t.ok(gaps.every((g) => g > 700 && g < 4000), `about 1 s between runs: ${gaps.join(',')} ms`);
    t.ok(first[0]!.runTime > 0, 'first run has a run time');
    t.ok(first.slice(1).every((x) => x.runTime === 0 && x.execTime === 0), 'later runs report run/exec time 0');
    t.ok(p.dupCallId > p.callId, 'a duplicate gets a new call id');
    t.ok(p.dupGotResult, 'the merged monitor reports under the new call id');
    t.same(p.listedAfterDup, p.listed, 'still one recurring op after the duplicate');
    t.ok(p.cancelReplyFound && p.cancelledBeforeReply, 'the cancelled notify precedes the cancel reply');
    t.ok(p.gotCancelled);
    const cancelled: Report[] = p.results.filter((x: Report) => x.opStatus === ExecStatus.cancelled);
    t.equal(cancelled.length, 1, 'one cancelled notify');
    t.match(cancelled[0], { callId: p.dupCallId, execRc: 0, opStatus: ExecStatus.cancelled }, 'under the latest call id, with the last rc');
    t.equal(p.afterCancelCount, 0, `silence for ${p.silenceMs} ms after the cancel`);
    t.ok(p.silenceMs >= 2000);
    t.same(p.listedAfterCancel, [{ rscId: 'rec1', ops: [] }], 'gone from get_recurring');
    t.equal(p.cancelAgain, 'EOPNOTSUPP', 'cancelling again: -95');

    const c = r.changesOnly;
    t.equal(c.startRc, 0);
    t.equal(c.resultsWhileSteady, 1, 'changes-only: only the first result while nothing changes');
    t.same(c.listed, [{ rscId: 'rec2', ops: [{ action: 'monitor', interval: 1000, timeout: 20_000 }] }]);
    t.ok(c.gotChange, 'a changed rc (7) is reported');
    t.equal(c.resultsAfterChange, 2, 'and only once');
    t.ok(c.cancelBeforeStopReply, 'stop: the cancelled monitor notify precedes the stop reply');
    t.match(c.stop, { action: 'stop', execRc: 0, opStatus: ExecStatus.done });
    const order: Report[] = c.order;
    t.same(
      order.map((x) => [x.action, x.execRc, x.opStatus]),
      [
        ['monitor', 0, 0],
        ['monitor', 7, 0],
        ['monitor', 7, ExecStatus.cancelled],
        ['stop', 0, 0],
      ],
      'monitor 0, monitor 7, cancelled (last rc 7), stop',
    );
    t.same(c.listedAfterStop, [{ rscId: 'rec2', ops: [] }], 'stop removed the recurring op');
    t.notOk(c.stateAfterStop);
  });

  area('unregister', 'unregister with work in flight', (t, r) => {
    const run = r.running;
    t.same(run.reply, { ok: { inProgress: true } }, 'a running action: rc -115 (EINPROGRESS), reported as inProgress');
    t.same(run.beforeReply, [], 'nothing arrives before that reply');
    t.same(
      run.after.map((s: Report) => [s.op, s.rc ?? s.execRc, s.opStatus, s.rscDeleted]),
      [
        ['lrmd_rsc_unregister', -115, undefined, undefined],
        ['lrmd_rsc_exec', 0, 0, true],
      ],
      'generic notify with rc -115, then the start completes with rsc_deleted',
    );
    const done = run.after[1];
    t.ok(done.at > 2000, `the start finished ${done.at} ms later (op_sleep 3)`);
    t.equal(run.info, null, 'gone at once');
    t.ok(run.stateFileAfter, 'the running start still completed its work');

    const q = r.queued;
    t.same(q.reply, { ok: { inProgress: false } }, 'a queued action: rc 0');
    t.equal(q.beforeReply.length, 1);
    t.match(q.beforeReply, [{ kind: 'notify', op: 'lrmd_rsc_exec', callId: q.callId, opStatus: ExecStatus.cancelled }], 'its cancellation precedes the reply');
    t.same(
      q.after.map((s: Report) => [s.op, s.callId === q.callId, s.opStatus, s.rscDeleted]),
      [
        ['lrmd_rsc_exec', true, ExecStatus.cancelled, true],
        ['lrmd_rsc_unregister', false, undefined, undefined],
      ],
    );
    t.equal(q.info, null);

    const rc = r.recurring;
    t.same(rc.reply, { ok: { inProgress: false } }, 'a recurring monitor between runs: rc 0');
    t.equal(rc.beforeReply.length, 1);
    t.match(rc.beforeReply, [{ kind: 'notify', op: 'lrmd_rsc_exec', callId: rc.callId, opStatus: ExecStatus.cancelled }], 'its cancellation precedes the reply');
    t.equal(rc.after.length, 2, 'the cancellation and the generic unregister notify');
    t.match(rc.after[0], { op: 'lrmd_rsc_exec', callId: rc.callId, execRc: 0, opStatus: ExecStatus.cancelled, rscDeleted: true });
    t.equal(r.recurringAfterUnregister, 0, 'no more runs');
    t.same(r.recurringAll, [], 'nothing registered any more');
  });

  area('clients', 'two and more clients: delivery of notifications', (t, r) => {
    t.ok(r.aGotNewClient, 'A is told when B connects');
    t.same(r.bOpsAfterConnect, ['lrmd_rsc_poke'], 'B is not told about itself');
    t.ok(r.bGotRegister, "A's register notify reaches B");
    t.match(r.shared, { a: 7, b: 7 }, 'an ordinary result reaches both');
    t.same(r.origOnlyFromA, { a: 7, bSaw: 0 }, 'notify_orig_only: only A');
    t.same(r.origOnlyFromB, { b: 7, aSaw: 0 }, 'notify_orig_only: only B');
    t.ok(r.bSawAPoke, "A's poke is notified to B");
    t.same(r.third, { a: ['lrmd_rsc_new_client', 'lrmd_rsc_poke'], b: ['lrmd_rsc_new_client', 'lrmd_rsc_poke'], c: ['lrmd_rsc_poke'] }, 'a third client: both others told');
    const mon = [{ action: 'monitor', interval: 1000, timeout: 20_000 }];
    const byId = (list: Report[]): Report => Object.fromEntries(list.map((e) => [e.rscId, e.ops]));
    t.same(byId(r.recurringBefore), { keep: mon, drop: mon, shared: [] });
    t.same(byId(r.recurringAfterOneLeft), { keep: mon, drop: mon, shared: [] }, 'one client leaving changes nothing');
    t.same(byId(r.recurringAfterAllLeft), { keep: mon, drop: [], shared: [] }, 'when the last client leaves, drop-recurring (0x3) resources lose their recurring ops');
    t.ok(r.dSawKeepResult, 'the surviving monitor reports to the next client');
    t.notOk(r.dSawDropResult);
  });

  area('alert', 'alert exec', (t, r) => {
    t.same(r.reply, { ok: null }, 'reply rc 0');
    t.ok(r.env, 'the alert agent ran and wrote its environment');
    if (!r.env) return;
    for (const [k, v] of Object.entries(r.params as Record<string, string>)) t.equal(r.env[k], v, `${k} passed verbatim`);
    t.equal(r.env.CRM_alert_node_sequence, '1', 'CRM_alert_node_sequence added');
    t.equal(r.env.CRM_notify_node_sequence, '1', '2.1.5 also adds CRM_notify_node_sequence');
    t.equal(r.env.__user, 'hacluster', 'runs as hacluster');
    t.equal(r.env.__args, '0', 'no arguments');
    t.notOk(Object.keys(r.env).some((k) => k.startsWith('OCF_')), 'no OCF_ variables');
    t.equal(r.sequence2, '2', 'the sequence advances');
    t.same(r.missingAgent, { ok: null }, 'a missing agent path is still rc 0 (the failure is only logged)');
    // 2.1.5 answers rc 0 to empty values (it checks presence only); like liblrmd, our client refuses them before sending.
    t.match(r.emptyPath, { error: { code: 'INVALID_ARGUMENT' } }, 'an empty path is refused locally');
    t.match(r.emptyId, { error: { code: 'INVALID_ARGUMENT' } }, 'an empty id is refused locally');
    t.same(r.notifies, ['lrmd_rsc_poke'], 'alerts send no notification');
  });

  area('payloads', '100 KB output, 60 KB parameter, output and escaping details', (t, r) => {
    t.match(r.bigOutput, { execRc: 0, opStatus: 0, sent: 102_400, got: 102_400, intact: true }, '100 KB of output intact');
    t.match(r.bigParam, { execRc: 0, opStatus: 0, sent: 61_440, echoedIntact: true, outputIntact: true }, '60 KB parameter echoed and seen by the agent');
    t.same(r.bigParam.otherParams, { small: 'x' });
    t.comment(`100 KB output result in ${r.bigOutput.ms} ms, 60 KB parameter in ${r.bigParam.ms} ms`);
    t.equal(r.stderrWins.output, 'to stderr', 'output is stderr when there is any');
    t.match(r.exitReason, { execRc: OcfExit.notConfigured, exitReason: 'second & <last> "reason"' }, 'exit reason: the last marker line');
    t.equal(r.exitReason.output, 'ocf-exit-reason:first reason\\nocf-exit-reason:second & <last> "reason"\\n', '2.1.5 writes newlines as the two characters \\n');
    t.equal(r.longExitReason.length, 128, 'exit reason cut to 128 characters');
    t.ok(r.longExitReason.expectedPrefix);
    t.match(r.exit42, { execRc: OcfExit.unknownError, opStatus: 0 }, 'exit 42 becomes 1');
    t.equal(r.controlChars.output, 'line1\\nline2    tab\\back\\rcr', '2.1.5: LF → \\n, TAB → 4 spaces, CR → \\r, backslash as is');
    t.equal(r.controlChars.legacyOutput, 'line1\nline2    tab\\back\rcr', 'legacyEscapes undoes \\n and \\r (TAB stays 4 spaces)');
    t.equal(r.controlBytes.output, 'a\\001b\\177c\\37777777777d\\ne', '2.1.5: control bytes as \\ooo, a stray 0xFF as \\37777777777');
    t.equal(r.controlBytes.legacyOutput, 'a\u0001b\u007fc\ufffdd\ne', 'legacyEscapes restores them (0xFF → U+FFFD)');
    t.equal(r.exitReasonLegacy.legacyOutput, 'ocf-exit-reason:first reason\nocf-exit-reason:second & <last> "reason"\n');
    t.equal(r.exitReasonLegacy.legacyExitReason, 'second & <last> "reason"');
    t.same(r.nonAsciiOutput, { arrived: false, output: null, decodeErrors: ['XML_SYNTAX'] }, '2.1.5 bug: UTF-8 then XML specials in output: the result is unparseable and lost');
    t.same(r.nonAsciiParam, { arrived: false, param: null, decodeErrors: ['XML_SYNTAX'] }, 'same for an echoed parameter');
    t.match(r.afterwards, { execRc: 0, output: 'stopped' }, 'the connection survives');
  });

  t.teardown(() => {
    // Wall time of the whole file's fixtures, for the log.
    console.error(`# remoted interop fixtures: ${Math.round(performance.now() - wall0)} ms with ${JOBS} at a time`);
  });
}
