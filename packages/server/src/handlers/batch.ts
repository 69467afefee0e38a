import type { ErrorCode, Observation } from '@cua/computer-protocol';
import { CommandError } from '../core/command-error.js';
import type { Desktop } from '../desktop/desktop.js';
import { observeAfter } from './observe.js';
import type { Handler, NestedReply } from './types.js';

/**
 * Input actions in order as one unit: the dispatcher gives batch one turn on the input queue,
 * and the actions run inside it, so no other connection's input lands between them. Every
 * action is validated before the first runs (a malformed batch does nothing); a failure at run
 * time ends the batch when `stop_on_error`, and `results` then stops at the failed action.
 */
export function batchHandlers(desktop: Desktop): { batch: Handler<'batch'> } {
  return {
    batch: async ({ actions, observe, stop_on_error }, ctx) => {
      const nested = ctx.nested;
      if (!nested) throw new Error('batch runs only through the dispatcher, on the input queue');
      const prepared = actions.map(({ command, params }, index) => {
        if (params?.observe !== undefined && params.observe !== null && params.observe !== false) {
          throw new CommandError(
            'invalid_params',
            `Invalid params for batch: actions.${index}.params.observe: observe the whole batch instead`,
          );
        }
        const step = nested.prepare(command, params);
        if (!step.ok) {
          throw new CommandError(
            'invalid_params',
            `Invalid params for batch: actions.${index} (${command}): ${step.reason}`,
          );
        }
        return step;
      });
      const runAll = async () => {
        const results: NestedReply[] = [];
        for (const step of prepared) {
          ctx.signal.throwIfAborted();
          const reply = await step.run();
          results.push(reply);
          if (!reply.success && stop_on_error) break;
        }
        return results;
      };
      let results: NestedReply[];
      let observation: Observation | undefined;
      if (observe)
        ({ result: results, observation } = await observeAfter(desktop, observe, ctx, runAll));
      else results = await runAll();
      const reply = observation ? { results, observation } : { results };
      const failed = results.findIndex((r) => !r.success);
      if (failed >= 0) {
        const { error, code } = results[failed] as NestedReply & { error: string; code: ErrorCode };
        const ran = `${results.length} of ${actions.length} actions ran`;
        throw new CommandError(
          code,
          `batch action ${failed} (${prepared[failed]!.name}) failed: ${error} (${ran})`,
          reply,
        );
      }
      return reply;
    },
  };
}
