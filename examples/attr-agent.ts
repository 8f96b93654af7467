// An in-process agent that publishes a node attribute through the daemon's
// IPC proxy (spec §8.12): on start it sets `NAME=VALUE` (transient, until
// reboot) for this remote node, on stop it removes it; monitor reads it back.
// The cluster can then place resources with a location rule on the attribute.
//
// Load it into the daemon:   pcmk-remoted --agents examples/attr-agent.ts
// then in the cluster:       pcs resource create flag ocf:acme:AttrFlag name=site value=A op monitor interval=30s
// (the cluster nodes need a stub /usr/lib/ocf/resource.d/acme/AttrFlag printing
// the meta-data below, as for examples/custom-agent.ts).
//
// A shell agent does the same with the command line, through the daemon's bridge:
//   pcmk-remote attr set site A        pcmk-remote attr get site        pcmk-remote attr delete site
import { OcfExit } from '../src/index.js'; // 'pcmk-remote' once installed
import type { InProcessAgent, InProcessContext } from '../src/server/index.js'; // not yet a package subpath

export const METADATA = `<?xml version="1.0"?>
<resource-agent name="AttrFlag" version="1.0">
  <version>1.1</version>
  <shortdesc lang="en">Sets a node attribute while active</shortdesc>
  <longdesc lang="en">Publishes name=value as a transient node attribute of this remote node.</longdesc>
  <parameters>
    <parameter name="name" required="1"><content type="string"/><shortdesc lang="en">Attribute name</shortdesc></parameter>
    <parameter name="value"><content type="string" default="1"/><shortdesc lang="en">Attribute value</shortdesc></parameter>
  </parameters>
  <actions>
    <action name="start" timeout="20s"/><action name="stop" timeout="20s"/>
    <action name="monitor" timeout="20s" interval="30s"/><action name="meta-data" timeout="5s"/>
  </actions>
</resource-agent>`;

function args(ctx: InProcessContext): { name: string; value: string } {
  return { name: ctx.params['name'] ?? 'flag', value: ctx.params['value'] ?? '1' };
}

export const attrFlag: InProcessAgent = {
  async start(ctx) {
    if (!ctx.proxy) return { rc: OcfExit.unimplementFeature, exitReason: 'not running inside pcmk-remoted' };
    const { name, value } = args(ctx);
    // The provider fills in this node's name when the cluster did not pass it (§8.6).
    await ctx.proxy.setAttribute(name, value, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    return OcfExit.ok;
  },
  async stop(ctx) {
    if (!ctx.proxy) return OcfExit.ok;
    await ctx.proxy.deleteAttribute(args(ctx).name, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    return OcfExit.ok;
  },
  async monitor(ctx) {
    if (!ctx.proxy) return OcfExit.notRunning;
    const { name, value } = args(ctx);
    // ctx.proxy.nodeName is this node's cluster name, from CRM_meta_on_node.
    if (ctx.proxy.nodeName === undefined) return { rc: OcfExit.ok, output: 'node name unknown; not checked' };
    const now = await ctx.proxy.getAttribute(name, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    return now === value ? OcfExit.ok : OcfExit.notRunning;
  },
  'meta-data': () => ({ output: METADATA }),
};

/** What `pcmk-remoted --agents` loads. */
export const agents = { 'ocf:acme:AttrFlag': attrFlag };
