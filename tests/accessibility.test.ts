import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { AccessibilityNodeSchema, type AccessibilityNode } from '@cua/computer-protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { startGtkApp, windowTitle, type GtkApp } from './helpers/a11y-apps.js';
import { flatten, redOnScreen, useAccessibleDesktopServer } from './helpers/a11y-server.js';
import { readWithOracle } from './helpers/a11y-oracle.js';
import { findWindow, pointerPosition, waitFor, x } from './helpers/desktop.js';

const TITLE = `A11y GTK ${process.pid}`;
let app: GtkApp;

type Reply = Record<string, unknown>;

/** Every node of our tree, checked against the protocol's node schema on the way. */
function nodesOf(reply: Reply): AccessibilityNode[] {
  const check = (node: unknown): AccessibilityNode => {
    const parsed = AccessibilityNodeSchema.parse(node);
    return { ...parsed, children: parsed.children.map(check) };
  };
  return flatten(check(reply.tree));
}

function byName(nodes: AccessibilityNode[], role: string, name: string): AccessibilityNode {
  const node = nodes.find((n) => n.role === role && n.name === name);
  expect(
    node,
    `${role} "${name}" in ${nodes.map((n) => `${n.role}:${n.name}`).join(', ')}`,
  ).toBeDefined();
  return node!;
}

function activate(windowId: string): void {
  x(ctx.display, 'xdotool', ['windowactivate', '--sync', windowId]);
}

const a11y = useAccessibleDesktopServer({
  closeApps: () => app?.close(),
  timeoutMs: 60_000,
});
const { ctx, call, ok } = a11y;

beforeAll(async () => {
  app = await startGtkApp(a11y.bus.env, TITLE, { rows: 40 });
  activate(app.windowId);
  // The app joins the bus a moment after its window maps.
  await waitFor(
    async () => ((await call('get_accessibility_tree')).tree ? true : undefined),
    15_000,
    'the GTK window on the accessibility bus',
  );
}, 60_000);

describe('get_accessibility_tree on a GTK 3 app', () => {
  it('holds the focused window with its widgets, roles, states, values, pid and window', async () => {
    const reply = await ok('get_accessibility_tree');
    const nodes = nodesOf(reply);
    const root = nodes[0]!;
    expect(root).toMatchObject({ role: 'frame', name: TITLE, title: TITLE, pid: app.pid });
    expect(root.window_id).toBe(Number(app.windowId));
    expect(root.states).toContain('active');
    const button = byName(nodes, 'push button', 'Press me');
    expect(button.states).toEqual(expect.arrayContaining(['enabled', 'focusable', 'showing']));
    expect(button).toMatchObject({ pid: app.pid, window_id: Number(app.windowId) });
    expect(byName(nodes, 'text', 'Your name').states).toContain('editable');
    expect(byName(nodes, 'text', 'Your name').value).toBe('');
    expect(byName(nodes, 'check box', 'Enable feature').states).not.toContain('checked');
    expect(byName(nodes, 'slider', 'Volume').value).toBe(0);
    // Ids are unique, and stable from one read to the next.
    expect(new Set(nodes.map((n) => n.id)).size).toBe(nodes.length);
    const again = nodesOf(await ok('get_accessibility_tree'));
    expect(byName(again, 'push button', 'Press me').id).toBe(button.id);
    expect(reply.node_count).toBe(nodes.length);
    expect(reply).not.toHaveProperty('truncated');
    // The text form: one indented line per node, with its id.
    const text = reply.text as string;
    expect(text.split('\n')).toHaveLength(nodes.length);
    expect(text).toContain(`[${button.id}] push button "Press me" @${button.bounds!.x},`);
    expect(text.split('\n')[0]).toMatch(
      /^\[e\d+\] frame "A11y GTK \d+" .*\(window 0x[0-9a-f]+, pid \d+\)$/,
    );
  });

  it('agrees with an independent AT-SPI reader (pyatspi) on names, roles and bounds', async () => {
    const nodes = nodesOf(await ok('get_accessibility_tree'));
    const oracle = readWithOracle(a11y.bus.env, app.pid);
    for (const node of nodes.filter((n) => n.name !== '')) {
      const seen = oracle.find((o) => o.name === node.name && o.role === node.role);
      expect(seen, `${node.role} "${node.name}" read by pyatspi`).toBeDefined();
      const [ox, oy, ow, oh] = seen!.extents!;
      expect(node.bounds).toEqual({ x: ox, y: oy, width: ow, height: oh });
    }
  });

  it('puts bounds where the widget is on the screenshot (the red button)', async () => {
    const button = byName(nodesOf(await ok('get_accessibility_tree')), 'push button', 'Press me');
    const red = await redOnScreen(ok);
    const { x: bx, y: by, width, height } = button.bounds!;
    // Inside, away from the label text in the middle and the rounded corners: red.
    const cy = by + height / 2;
    expect([red(bx + 4, cy), red(bx + width - 5, cy), red(bx + width / 4, by + 3)]).toEqual([
      true,
      true,
      true,
    ]);
    expect(red(bx + width / 4, by + height - 4)).toBe(true);
    // Just outside, on every side: not red.
    expect([
      red(bx - 3, cy),
      red(bx + width + 2, cy),
      red(bx + width / 4, by - 3),
      red(bx + width / 4, by + height + 2),
    ]).toEqual([false, false, false, false]);
  });

  it('scopes: a window id, a pid, all; max_depth, max_nodes, visible_only, format', async () => {
    const byWindow = await ok('get_accessibility_tree', { window_id: app.windowId });
    expect(byWindow.tree).toMatchObject({ role: 'frame', name: TITLE });
    const byPid = await ok('get_accessibility_tree', { pid: app.pid });
    expect(byPid.tree).toMatchObject({ role: 'application', pid: app.pid });
    const all = await ok('get_accessibility_tree', { scope: 'all', max_depth: 2 });
    const allNodes = nodesOf(all);
    expect(allNodes[0]).toMatchObject({ role: 'desktop frame' });
    expect(allNodes.some((n) => n.role === 'frame' && n.name === TITLE)).toBe(true);
    const shallow = nodesOf(await ok('get_accessibility_tree', { max_depth: 1 }));
    expect(shallow.every((n) => n === shallow[0] || n.children.length === 0)).toBe(true);
    const capped = await ok('get_accessibility_tree', { max_nodes: 4 });
    expect(capped).toMatchObject({ truncated: 'max_nodes', node_count: 4 });
    expect(nodesOf(capped)).toHaveLength(4);
    // Rows scrolled out of the viewport: left out unless visible_only is false.
    const visible = nodesOf(await ok('get_accessibility_tree'));
    expect(visible.some((n) => n.name === 'Row 39')).toBe(false);
    const everything = nodesOf(await ok('get_accessibility_tree', { visible_only: false }));
    expect(everything.some((n) => n.name === 'Row 39')).toBe(true);
    const textOnly = await ok('get_accessibility_tree', { format: 'text' });
    expect(textOnly).not.toHaveProperty('tree');
    expect(textOnly.text).toContain('push button "Press me"');
  });

  it('is fast enough to read every step (focused window)', async () => {
    const reply = await ok('get_accessibility_tree');
    // Generous for a loaded 2-core machine; the bench reports the real figure.
    expect(reply.elapsed_ms as number).toBeLessThan(1500);
  });

  it('answers upstream Python client calls: POST /cmd, `data: ` + JSON, role/title/children', async () => {
    // cua-computer's get_accessibility_tree: _send_command over REST, body must start with
    // "data: ", json.loads of the rest, the whole dict returned to the caller.
    const res = await fetch(`${ctx.server.httpUrl}/cmd`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Cua-Client-Version': '0.4.0' },
      body: JSON.stringify({ command: 'get_accessibility_tree', params: {} }),
    });
    expect(res.status).toBe(200);
    const body = (await res.text()).trim();
    expect(body.startsWith('data: ')).toBe(true);
    const result = JSON.parse(body.slice('data: '.length)) as Reply;
    expect(result.success).toBe(true);
    const walk = (node: Record<string, unknown>): number => {
      expect(typeof node.role).toBe('string');
      expect(typeof node.title).toBe('string');
      expect(Array.isArray(node.children)).toBe(true);
      return 1 + (node.children as Record<string, unknown>[]).reduce((n, c) => n + walk(c), 0);
    };
    const tree = result.tree as Record<string, unknown>;
    expect(tree.title).toBe(TITLE);
    expect(tree.position).toEqual({ x: expect.any(Number), y: expect.any(Number) });
    expect(tree.size).toEqual({ width: expect.any(Number), height: expect.any(Number) });
    expect(walk(tree)).toBeGreaterThan(5);
  });
});

describe('find_element and element actions on the GTK app', () => {
  it('find_element finds the button by role and title, or by name pattern', async () => {
    const found = await ok('find_element', { role: 'button', title: 'Press me' });
    const element = found.element as AccessibilityNode;
    expect(element).toMatchObject({ role: 'push button', name: 'Press me' });
    expect(element.bounds!.width).toBeGreaterThan(0);
    expect(found.elements).toHaveLength(1);
    const byPattern = await ok('find_element', { name: '/^press/i' });
    expect((byPattern.element as AccessibilityNode).id).toBe(element.id);
    const upstreamStyle = await ok('find_element', { role: 'AXButton', title: null, value: null });
    expect((upstreamStyle.element as AccessibilityNode).id).toBe(element.id);
    const labels = await ok('find_element', { role: 'label', name: 'Row', limit: 3 });
    expect(labels.elements).toHaveLength(3);
  });

  it('find_element says clearly when nothing matches', async () => {
    const reply = await call('find_element', { role: 'button', title: 'No such button' });
    expect(reply).toMatchObject({ success: false, code: 'not_found' });
    expect(reply.error).toMatch(/not found.*title="No such button"/i);
  });

  it('click_element presses the button (the app counts it, the X title shows it)', async () => {
    const { element } = await ok('find_element', { role: 'button', title: 'Press me' });
    const before = app.state().presses;
    const reply = await ok('click_element', { id: (element as AccessibilityNode).id });
    expect(reply).toMatchObject({ method: 'action' });
    await waitFor(() => (app.state().presses === before + 1 ? true : undefined), 5000, 'a press');
    await waitFor(
      () =>
        windowTitle(ctx.display, app.windowId) === `${TITLE} pressed ${before + 1}`
          ? true
          : undefined,
      5000,
      'the new window title',
    );
  });

  it('click_element toggles the check box, and the tree shows it checked', async () => {
    const { element } = await ok('find_element', { role: 'checkbox', title: 'Enable feature' });
    const id = (element as AccessibilityNode).id;
    await ok('click_element', { id });
    await waitFor(() => (app.state().checked ? true : undefined), 5000, 'the box checked');
    const read = await ok('get_element', { id });
    expect((read.element as AccessibilityNode).states).toContain('checked');
    expect((read.element as { actions: string[] }).actions.length).toBeGreaterThan(0);
  });

  it('click_element without an action clicks the centre of the bounds with the pointer', async () => {
    const { element } = await ok('find_element', { role: 'label', title: 'Row 0' });
    const label = element as AccessibilityNode;
    const reply = await ok('click_element', { id: label.id });
    const centre = {
      x: Math.round(label.bounds!.x + label.bounds!.width / 2),
      y: Math.round(label.bounds!.y + label.bounds!.height / 2),
    };
    expect(reply).toMatchObject({ method: 'pointer', position: centre });
    expect(pointerPosition(ctx.display)).toEqual(centre);
  });

  it('set_element_value puts text in the entry and a number in the slider', async () => {
    const { element: entry } = await ok('find_element', { role: 'entry', title: 'Your name' });
    const typed = await ok('set_element_value', {
      id: (entry as AccessibilityNode).id,
      value: 'Grace Hopper',
    });
    expect(typed.value).toBe('Grace Hopper');
    await waitFor(() => (app.state().entry === 'Grace Hopper' ? true : undefined), 5000, 'text');
    const oracle = readWithOracle(a11y.bus.env, app.pid);
    expect(oracle.find((n) => n.name === 'Your name')?.text).toBe('Grace Hopper');

    const { element: slider } = await ok('find_element', { role: 'slider' });
    const moved = await ok('set_element_value', {
      id: (slider as AccessibilityNode).id,
      value: 42,
    });
    expect(moved.value).toBe(42);
    await waitFor(() => (app.state().slider === 42 ? true : undefined), 5000, 'slider');

    const { element: button } = await ok('find_element', { role: 'button' });
    const refused = await call('set_element_value', {
      id: (button as AccessibilityNode).id,
      value: 'x',
    });
    expect(refused).toMatchObject({ success: false, code: 'invalid_params' });
    expect(refused.error).toMatch(/takes no value/);
  });

  it('focus_element moves the keyboard focus (read back by pyatspi)', async () => {
    const { element } = await ok('find_element', { role: 'entry', title: 'Your name' });
    await ok('focus_element', { id: (element as AccessibilityNode).id });
    await waitFor(
      () => {
        const entry = readWithOracle(a11y.bus.env, app.pid).find((n) => n.name === 'Your name');
        return entry?.states.includes('focused') ? true : undefined;
      },
      5000,
      'the entry focused',
    );
  });

  it('a window whose app exposes nothing gives no tree and says why', async () => {
    const term: ChildProcess = spawn('xterm', ['-T', 'plain-xterm', '-geometry', '40x10+700+400'], {
      env: a11y.bus.env,
      stdio: 'ignore',
    });
    try {
      const id = await findWindow(ctx.display, 'plain-xterm');
      activate(id);
      const reply = await ok('get_accessibility_tree');
      expect(reply).not.toHaveProperty('tree');
      expect(reply.note).toMatch(/"plain-xterm" is not on the accessibility bus/);
      const search = await call('find_element', { role: 'button' });
      expect(search).toMatchObject({ success: false, code: 'not_found' });
    } finally {
      const exited = once(term, 'exit');
      term.kill('SIGKILL');
      await exited;
      activate(app.windowId);
    }
  });

  it('a hung app (SIGSTOP) does not hang the tree of the focused window', async () => {
    const hung = await startGtkApp(a11y.bus.env, `${TITLE} hung`);
    try {
      await waitFor(async () => {
        const reply = await call('get_accessibility_tree', { pid: hung.pid, max_depth: 0 });
        return reply.tree ? true : undefined;
      }, 15_000);
      activate(app.windowId);
      process.kill(hung.pid, 'SIGSTOP');
      const started = performance.now();
      const reply = await ok('get_accessibility_tree');
      expect(performance.now() - started).toBeLessThan(4000);
      // Earlier tests may have renamed the window ("… pressed 1"): its pid says whose it is.
      expect(reply.tree).toMatchObject({ role: 'frame', pid: app.pid });
      const all = await ok('get_accessibility_tree', { scope: 'all', timeout_ms: 1500 });
      expect(all.tree).toMatchObject({ role: 'desktop frame' });
    } finally {
      process.kill(hung.pid, 'SIGCONT');
      await hung.close();
      activate(app.windowId);
    }
  }, 40_000);

  it('ids: unknown and stale ids get clear not_found errors', async () => {
    const unknown = await call('click_element', { id: 'e999999' });
    expect(unknown).toMatchObject({ success: false, code: 'not_found' });
    expect(unknown.error).toMatch(/Unknown element id "e999999"/);

    const other = await startGtkApp(a11y.bus.env, `${TITLE} second`);
    try {
      activate(other.windowId);
      const found = await waitFor(async () => {
        const reply = await call('find_element', { pid: other.pid, role: 'button' });
        return reply.success ? reply : undefined;
      }, 15_000);
      const id = (found.element as AccessibilityNode).id;
      await other.close();
      const stale = await call('click_element', { id });
      expect(stale).toMatchObject({ success: false, code: 'not_found' });
      expect(stale.error).toMatch(/stale/);
    } finally {
      await other.close();
      activate(app.windowId);
    }
  }, 40_000);
});
