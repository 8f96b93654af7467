// Pacemaker's own client library (liblrmd 2.1.5, through the conformance kit)
// against OUR daemon: the same scenarios and expectations as
// remoted-conformance.test.ts, which checks them against the real
// pacemaker-remoted first. The import is dynamic so that the variable is set
// before the harness snapshots the environment for its children.
process.env.PCMK_CONFORMANCE_DAEMON ??= 'exec node --import tsx src/cli/pcmk-remoted.ts --log-level warn --no-bridge';
// The one deliberate difference the kit sees: on a timeout our daemon sends
// SIGTERM to the agent's process group and SIGKILL after a grace period
// (spec §11.5, as issue 4 asks), where 2.1.5 sends SIGKILL at once; Dummy
// traps TERM and may finish its start in between. The kit reports that
// instead of failing (tools/conformance/README.md).
process.env.CONFORMANCE_TERM_FIRST = '1';
// Our daemon also runs the Echo contract as an in-process TypeScript agent.
process.env.PCMK_CONFORMANCE_INPROCESS = '1';
await import('./remoted-conformance.test.js');
