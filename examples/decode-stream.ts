// Decode a byte stream of frames into typed messages, in any chunking.
// Run: npx tsx examples/decode-stream.ts < frames.bin
import { MessageDecoder, isExecNotify } from 'pcmk-remote/protocol';

const decoder = new MessageDecoder({ maxFrameSize: 20 * 1024 * 1024 });
for await (const chunk of process.stdin) {
  for (const item of decoder.push(chunk as Buffer)) {
    if (item.error) {
      // A bad payload costs only this message (spec §12); the stream goes on.
      console.error(`dropped frame ${item.frame.header.id}: ${item.error.code}`);
    } else if (isExecNotify(item.message)) {
      const m = item.message;
      console.log(`${m.rscId} ${m.action} call ${m.callId}: rc ${m.execRc}, status ${m.opStatus}`);
    } else {
      const m = item.message;
      console.log(m.kind, m.kind === 'ipc' ? m.ipcOp : m.op ?? '');
    }
  }
}
decoder.end(); // throws FRAME_TRUNCATED if the stream stopped inside a frame
