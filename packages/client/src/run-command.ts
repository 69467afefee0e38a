// `runCommand`: a shell command's output, streamed to `onOutput` where the server can stream it
// and handed over in one piece per stream where it cannot.
import { readReplyEnvelope } from '@cua/computer-protocol/wire';
import { splitCallOptions } from './call-options.js';
import type { CommandOutput, OutputChunk, RunCommandOptions } from './computer-types.js';
import { parseReply } from './reply-parsing.js';
import type { RawReply, Transport } from './transport.js';

/** A run_command with a server-side timeout: the client waits that long plus this. */
const RUN_COMMAND_GRACE_MS = 5_000;

export async function runCommand(
  transport: Transport,
  defaultTimeoutMs: number,
  command: string,
  options: RunCommandOptions | undefined,
): Promise<CommandOutput> {
  const [{ timeout, onOutput }, call] = splitCallOptions(options);
  if (timeout !== undefined && call.timeoutMs === undefined) {
    call.timeoutMs = Math.max(defaultTimeoutMs, timeout * 1000 + RUN_COMMAND_GRACE_MS);
  }
  const params = timeout === undefined ? { command } : { command, timeout };
  let streamed = false;
  const onEvent =
    onOutput &&
    ((event: RawReply) => {
      const envelope = readReplyEnvelope(event);
      if (envelope.kind !== 'output') return;
      streamed = true;
      onOutput({ stream: envelope.stream, data: envelope.data });
    });
  const reply = await transport.request('run_command', params, { ...call, onEvent });
  const result = parseReply('run_command', reply);
  // No event means no streaming (or no output at all): hand over what the reply carries.
  if (onOutput && !streamed) replayOutput(result, onOutput);
  const output: CommandOutput = {
    stdout: result.stdout,
    stderr: result.stderr,
    returnCode: result.return_code,
  };
  if (result.truncated !== undefined) output.truncated = result.truncated;
  return output;
}

function replayOutput(
  result: { stdout: string; stderr: string },
  onOutput: (chunk: OutputChunk) => void,
): void {
  for (const stream of ['stdout', 'stderr'] as const) {
    if (result[stream] !== '') onOutput({ stream, data: result[stream] });
  }
}
