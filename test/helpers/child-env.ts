// Environment for child processes spawned by tests (tsx fixtures, the CLI).
// tap's processinfo hooks every spawn and records coverage in the child
// through the inspector; a tsx child compiles our sources differently, and
// c8 merges coverage per URL, so one such child would wreck the report for
// every file it loaded (seen: 10667 statements collapsing to 1389). The
// explicit '0' survives processinfo's env merge and turns that off.
export const childEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => k !== 'NODE_V8_COVERAGE' && k !== 'NODE_OPTIONS' && !k.startsWith('_TAPJS'),
    ),
  ),
  _TAPJS_PROCESSINFO_COVERAGE_: '0',
};
