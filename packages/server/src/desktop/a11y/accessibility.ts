import type { CommandResult, ResolvedParams } from '@cua/computer-protocol';
import { CommandError, unsupported } from '../../core/command-error.js';
import type { Desktop } from '../desktop.js';
import type { AccessibilityBus } from './accessibility-bus.js';
import type * as EngineModule from './engine.js';
import { accessibilityEnv } from './accessibility-env.js';
import type { AtspiClient } from './atspi-client.js';
import { ElementIds } from './element-ids.js';
import { describeQuery, matchElements } from './match-element.js';
import type { ResolvedScope } from './resolve-scope.js';
import { textForm } from './text-form.js';
import type { WalkResult } from './walk-tree.js';

type Engine = typeof EngineModule;
let engineLoad: Promise<Engine> | undefined;
const engine = (): Promise<Engine> => (engineLoad ??= import('./engine.js'));

type TreeParams = ResolvedParams<'get_accessibility_tree'>;
type FindParams = ResolvedParams<'find_element'>;
type ScopeParams = Omit<TreeParams, 'format'>;

export interface AccessibilityOptions {
  desktop: Desktop;
  /** The environment the server gives its children: DISPLAY, DBUS_SESSION_BUS_ADDRESS, … */
  env: NodeJS.ProcessEnv;
}

/** A failed start is not retried on every call for this long (each try may spawn a bus). */
const RETRY_AFTER_FAILURE_MS = 2000;

/**
 * The desktop's accessibility (AT-SPI over D-Bus on Linux): trees, search and element actions.
 * The bus is found or started on first use and switched on for the server's lifetime;
 * `close()` puts the user's accessibility setting back.
 */
export class Accessibility {
  private bus: Promise<AccessibilityBus> | undefined;
  private failedAt = 0;
  private client: AtspiClient | undefined;
  private readonly ids = new ElementIds();
  /** X window ids of AT-SPI windows seen so far, for `window_id` on get_element. */
  private readonly windowIds = new Map<string, number>();

  constructor(private readonly options: AccessibilityOptions) {}

  /**
   * Extra environment for apps the server launches, so their toolkits join the bus it reads.
   * Starts the bus if it can (best effort: without one, apps just get the toolkit switches).
   */
  async launchEnv(): Promise<Record<string, string>> {
    try {
      const bus = await this.connect();
      return accessibilityEnv(bus.sessionAddress);
    } catch {
      return accessibilityEnv();
    }
  }

  async tree(
    params: TreeParams,
    signal?: AbortSignal,
  ): Promise<CommandResult<'get_accessibility_tree'>> {
    const { scope, result } = await this.walk(params, signal);
    const tree = result?.tree;
    if (!result || !tree) {
      // Honest emptiness, never a placeholder: no tree, and why.
      return {
        node_count: 0,
        elapsed_ms: result?.elapsedMs ?? 0,
        note: scope.note ?? 'the scope holds no visible element',
      };
    }
    const empty = tree.children.length === 0 && tree.role === 'desktop frame';
    return {
      ...(params.format !== 'text' ? { tree } : {}),
      ...(params.format !== 'json' ? { text: textForm(tree) } : {}),
      node_count: result.nodeCount,
      ...(result.truncated ? { truncated: result.truncated } : {}),
      elapsed_ms: result.elapsedMs,
      ...(empty ? { note: 'no application is on the accessibility bus' } : {}),
    };
  }

  async find(params: FindParams, signal?: AbortSignal): Promise<CommandResult<'find_element'>> {
    const { scope, result } = await this.walk(params, signal);
    const query = {
      role: params.role,
      title: params.title,
      value: params.value,
      name: params.name,
      states: params.states,
    };
    if (!result?.tree) {
      throw new CommandError(
        'not_found',
        `Element not found (${describeQuery(query)}): ${scope.note ?? 'the scope holds no visible element'}`,
      );
    }
    const { matches, searched } = matchElements(result.tree, query, params.limit);
    const [best] = matches;
    if (!best) {
      const partial = result.truncated ? `; the search stopped early (${result.truncated})` : '';
      throw new CommandError(
        'not_found',
        `Element not found: nothing matches ${describeQuery(query)} among ${searched} elements of ` +
          `the ${params.scope ?? 'focused'} scope${params.visible_only ? ' (visible only)' : ''}${partial}`,
      );
    }
    return { element: best, elements: matches };
  }

  async getElement(id: string): Promise<CommandResult<'get_element'>> {
    return (await engine()).getElement(await this.atspi(), this.ids, id, this.windowIds);
  }

  async clickElement(id: string): Promise<CommandResult<'click_element'>> {
    const client = await this.atspi();
    return (await engine()).clickElement(client, this.ids, this.options.desktop, id);
  }

  async focusElement(id: string): Promise<CommandResult<'focus_element'>> {
    return (await engine()).focusElement(await this.atspi(), this.ids, id);
  }

  async setElementValue(
    id: string,
    value: string | number,
  ): Promise<CommandResult<'set_element_value'>> {
    const client = await this.atspi();
    return (await engine()).setElementValue(client, this.ids, this.options.desktop, id, value);
  }

  async close(): Promise<void> {
    const bus = this.bus;
    this.bus = undefined;
    this.client = undefined;
    await (await bus?.catch(() => undefined))?.close();
  }

  private async walk(
    params: ScopeParams,
    signal?: AbortSignal,
  ): Promise<{ scope: ResolvedScope; result?: WalkResult }> {
    const client = await this.atspi();
    const { resolveScope, walkTree } = await engine();
    const scope = await resolveScope(client, this.options.desktop, params);
    for (const [key, id] of scope.windowIds) this.windowIds.set(key, id);
    if (this.windowIds.size > 1000) this.windowIds.clear();
    if (!scope.root) return { scope };
    const result = await walkTree(
      client,
      this.ids,
      scope.root,
      {
        ...(scope.pid !== undefined ? { pid: scope.pid } : {}),
        ...(scope.windowId !== undefined ? { windowId: scope.windowId } : {}),
      },
      {
        maxDepth: params.max_depth,
        visibleOnly: params.visible_only,
        maxNodes: params.max_nodes,
        timeoutMs: params.timeout_ms,
        ...(scope.clip ? { clip: scope.clip } : {}),
        windowIdOf: (node) => scope.windowIds.get(`${node.ref.bus} ${node.ref.path}`),
        ...(signal ? { signal } : {}),
      },
    );
    return { scope, result };
  }

  private async atspi(): Promise<AtspiClient> {
    if (process.platform !== 'linux') {
      unsupported(
        `accessibility is implemented with AT-SPI (Linux) only; this server runs on ${process.platform}`,
      );
    }
    const bus = await this.connect();
    if (!this.client || this.client.connection !== bus.connection) {
      this.client = new (await engine()).AtspiClient(bus.connection);
    }
    return this.client;
  }

  private async connect(): Promise<AccessibilityBus> {
    const current = this.bus;
    if (current) {
      const bus = await current.catch(() => undefined);
      if (bus?.alive) return bus;
      if (bus) {
        // The bus went away (its launcher died, the session ended): start over once.
        await bus.close().catch(() => undefined);
      } else if (Date.now() - this.failedAt < RETRY_AFTER_FAILURE_MS && this.bus === current) {
        return current;
      }
      if (this.bus !== current) return this.connect();
    }
    const started = engine().then(({ AccessibilityBus }) =>
      AccessibilityBus.start({ env: this.options.env }),
    );
    this.bus = started;
    started.catch(() => (this.failedAt = Date.now()));
    return started;
  }
}
