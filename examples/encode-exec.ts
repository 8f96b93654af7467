// Build the frame of an exec request as Pacemaker's controller sends it.
// Run: npx tsx examples/encode-exec.ts | npx tsx src/cli/pcmk-remote.ts decode
import { CallOpt, FrameEncoder, messageToXml, type RscExecRequest } from 'pcmk-remote/protocol';

const exec: RscExecRequest = {
  kind: 'request',
  op: 'lrmd_rsc_exec',
  msgId: 17,
  timeout: 20000,
  callOptions: CallOpt.notifyChangesOnly,
  rscId: 'vip',
  action: 'monitor',
  interval: 10000,
  actionTimeout: 20000,
  startDelay: 0,
  params: { CRM_meta_interval: '10000', CRM_meta_timeout: '20000', ip: '192.0.2.10' },
};

const encoder = new FrameEncoder(); // numbers frames from 1, as Pacemaker does
const { header, payload } = encoder.encode(messageToXml(exec));
// Over TLS, header and payload must go out as two records (spec §2.5).
process.stdout.write(header);
process.stdout.write(payload);
