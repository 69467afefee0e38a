import { commandsJsonSchema, type CommandName } from '@cua/computer-protocol';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode as McpErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Dispatcher, ReplyBody } from '../core/dispatcher.js';
import type { SessionState } from '../handlers/types.js';
import { PACKAGE_VERSION } from '../package-info.js';

/**
 * The names upstream's MCP server gives its tools (docs/protocol.md, Other routes), for the
 * commands they stand for; every other command is `computer_<wire name>`. The arguments are
 * always the command's own params, as `GET /commands` describes them.
 */
const UPSTREAM_TOOL_NAMES: Partial<Record<CommandName, string>> = {
  left_click: 'computer_click',
  move_cursor: 'computer_move',
  type_text: 'computer_type',
  copy_to_clipboard: 'computer_clipboard_get',
  set_clipboard: 'computer_clipboard_set',
  read_text: 'computer_file_read',
  write_text: 'computer_file_write',
  list_dir: 'computer_list_directory',
  create_dir: 'computer_create_directory',
  delete_dir: 'computer_delete_directory',
  launch: 'computer_launch_app',
  get_current_window_id: 'computer_get_active_window',
  get_application_windows: 'computer_get_app_windows',
};

export const MCP_SERVER_NAME = 'cua-computer-server';

const INSTRUCTIONS =
  'Tools to see and drive a desktop computer: screenshots, mouse, keyboard, windows, files and ' +
  'shell commands. Take a screenshot first to see the current state, and another after acting ' +
  'to check the result. Coordinates are screen pixels.';

export interface McpTool {
  tool: Tool;
  command: CommandName;
}

let cached: McpTool[] | undefined;

/** One tool per command of the protocol registry, with its JSON Schema as the input schema. */
export function mcpTools(): McpTool[] {
  cached ??= commandsJsonSchema().map((spec) => {
    const { $schema: _ignored, ...params } = spec.params;
    const tool: Tool = {
      name: toolName(spec.name),
      description: spec.description,
      inputSchema: { ...params, type: 'object' },
      annotations: {
        readOnlyHint: spec.kind === 'read',
        // Shell, files and windows can do anything.
        destructiveHint: spec.kind === 'effect',
      },
    };
    return { tool, command: spec.name };
  });
  return cached;
}

export function toolName(command: CommandName): string {
  return UPSTREAM_TOOL_NAMES[command] ?? `computer_${command}`;
}

/**
 * An MCP server (the official SDK's) whose tools run through the dispatcher, exactly as `/cmd`
 * commands do: same validation, input queue, timeouts and error codes. `session` carries what
 * the commands remember between calls (e.g. the last screenshot's scale).
 */
export function createMcpServer(dispatcher: Dispatcher, session: SessionState = {}): Server {
  const tools = mcpTools();
  const byName = new Map(tools.map((entry) => [entry.tool.name, entry.command]));
  // The low-level Server, not McpServer: the tools' input schemas are our registry's JSON Schema,
  // not zod shapes the high-level API would convert again.
  const server = new Server(
    { name: MCP_SERVER_NAME, version: PACKAGE_VERSION },
    { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.map((t) => t.tool) }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const command = byName.get(request.params.name);
    if (command === undefined) {
      throw new McpError(McpErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    }
    const reply = await dispatcher.dispatch(
      { command, params: request.params.arguments ?? {} },
      { signal: extra.signal, session },
    );
    return toolResult(command, reply);
  });
  return server;
}

/**
 * A reply as MCP content: images (the screenshot) as image content, everything else as its JSON
 * (also as structured content); a failure is a tool error carrying the message and its code.
 */
export function toolResult(command: CommandName, reply: ReplyBody): CallToolResult {
  const { success, ...fields } = reply;
  if (!success) {
    const code = typeof fields.code === 'string' ? fields.code : 'command_failed';
    const message = typeof fields.error === 'string' ? fields.error : `${command} failed`;
    return {
      isError: true,
      content: [{ type: 'text', text: `${message} (${code})` }],
      structuredContent: fields,
    };
  }
  if (typeof fields.image_data === 'string') {
    const { image_data: data, ...rest } = fields;
    const format = typeof fields.format === 'string' ? fields.format : 'png';
    return {
      content: [
        { type: 'image', data, mimeType: `image/${format === 'jpg' ? 'jpeg' : format}` },
        { type: 'text', text: JSON.stringify(rest) },
      ],
    };
  }
  return {
    content: [{ type: 'text', text: JSON.stringify(fields) }],
    structuredContent: fields,
  };
}
