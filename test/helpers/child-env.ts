// Environment for child processes spawned by tests: without tap's coverage
// hooks. tap loads them through NODE_OPTIONS and _TAPJS* variables, and a
// child's coverage (with its own source maps) would replace the parent's in
// the merged report.
export const childEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => k !== 'NODE_V8_COVERAGE' && k !== 'NODE_OPTIONS' && !k.startsWith('_TAPJS'),
  ),
);
