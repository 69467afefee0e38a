import { Variant } from '@jellybrick/dbus-next';
import type { DBusConnection } from './dbus-connection.js';

/** An accessible object: the app's unique bus name and the object's path in it. */
export interface NodeRef {
  bus: string;
  path: string;
}

export interface Extents {
  x: number;
  y: number;
  width: number;
  height: number;
}

const I = {
  accessible: 'org.a11y.atspi.Accessible',
  component: 'org.a11y.atspi.Component',
  action: 'org.a11y.atspi.Action',
  value: 'org.a11y.atspi.Value',
  text: 'org.a11y.atspi.Text',
  editableText: 'org.a11y.atspi.EditableText',
  properties: 'org.freedesktop.DBus.Properties',
} as const;
export const ATSPI_INTERFACES = I;

export const REGISTRY_ROOT: NodeRef = {
  bus: 'org.a11y.atspi.Registry',
  path: '/org/a11y/atspi/accessible/root',
};

/** Component.GetExtents' coordinate type: the whole screen (X11 root window pixels). */
const COORD_SCREEN = 0;

function unwrap(value: unknown): unknown {
  return value instanceof Variant ? value.value : value;
}

function refOf(value: unknown): NodeRef | undefined {
  if (!Array.isArray(value) || typeof value[0] !== 'string' || typeof value[1] !== 'string') {
    return undefined;
  }
  return { bus: value[0], path: value[1] };
}

/** AT-SPI's null reference (`/org/a11y/atspi/null`), given for objects that have gone. */
export function isNullRef(ref: NodeRef): boolean {
  return ref.path === '/org/a11y/atspi/null' || ref.bus === '';
}

/** Typed AT-SPI calls on one connection to the accessibility bus. */
export class AtspiClient {
  /** `timeoutMs` for this client's calls: scope resolution asks every app, and waits less. */
  constructor(
    readonly connection: DBusConnection,
    private readonly timeoutMs?: number,
    /** pid per bus name, shared by the clients of one connection. */
    private readonly pids = new Map<string, Promise<number | undefined>>(),
  ) {}

  /** The same client, with calls that give up after `timeoutMs`. */
  withTimeout(timeoutMs: number): AtspiClient {
    return new AtspiClient(this.connection, timeoutMs, this.pids);
  }

  private call(ref: NodeRef, iface: string, member: string, signature = '', body: unknown[] = []) {
    return this.connection.call(
      { destination: ref.bus, path: ref.path, interface: iface, member, signature, body },
      this.timeoutMs,
    );
  }

  async children(ref: NodeRef): Promise<NodeRef[]> {
    const [list] = await this.call(ref, I.accessible, 'GetChildren');
    if (!Array.isArray(list)) return [];
    return list.map(refOf).filter((child): child is NodeRef => !!child && !isNullRef(child));
  }

  /** Name, Description and ChildCount in one round trip. */
  async basics(ref: NodeRef): Promise<{ name: string; description: string; childCount: number }> {
    const [all] = await this.call(ref, I.properties, 'GetAll', 's', [I.accessible]);
    const props = (all ?? {}) as Record<string, unknown>;
    const name = unwrap(props.Name);
    const description = unwrap(props.Description);
    const childCount = unwrap(props.ChildCount);
    return {
      name: typeof name === 'string' ? name : '',
      description: typeof description === 'string' ? description : '',
      childCount: typeof childCount === 'number' ? childCount : 0,
    };
  }

  async role(ref: NodeRef): Promise<number> {
    const [role] = await this.call(ref, I.accessible, 'GetRole');
    return typeof role === 'number' ? role : 0;
  }

  async state(ref: NodeRef): Promise<number[]> {
    const [words] = await this.call(ref, I.accessible, 'GetState');
    return Array.isArray(words) ? (words as number[]) : [];
  }

  async interfaces(ref: NodeRef): Promise<string[]> {
    const [names] = await this.call(ref, I.accessible, 'GetInterfaces');
    return Array.isArray(names) ? (names as string[]) : [];
  }

  /** Screen-pixel bounds; undefined for objects without a Component interface. */
  async extents(ref: NodeRef): Promise<Extents | undefined> {
    try {
      const [box] = await this.call(ref, I.component, 'GetExtents', 'u', [COORD_SCREEN]);
      if (!Array.isArray(box)) return undefined;
      const [x, y, width, height] = box as number[];
      return { x: x!, y: y!, width: width!, height: height! };
    } catch {
      return undefined;
    }
  }

  async parent(ref: NodeRef): Promise<NodeRef | undefined> {
    const [value] = await this.call(ref, I.properties, 'Get', 'ss', [I.accessible, 'Parent']);
    const parent = refOf(unwrap(value));
    return parent && !isNullRef(parent) ? parent : undefined;
  }

  async currentValue(ref: NodeRef): Promise<number | undefined> {
    const [value] = await this.call(ref, I.properties, 'Get', 'ss', [I.value, 'CurrentValue']);
    const number = unwrap(value);
    return typeof number === 'number' ? number : undefined;
  }

  async setCurrentValue(ref: NodeRef, value: number): Promise<void> {
    await this.call(ref, I.properties, 'Set', 'ssv', [
      I.value,
      'CurrentValue',
      new Variant('d', value),
    ]);
  }

  /** The text, up to `maxChars` characters (a terminal or document can hold megabytes). */
  async text(ref: NodeRef, maxChars: number): Promise<string> {
    const [text] = await this.call(ref, I.text, 'GetText', 'ii', [0, maxChars]);
    return typeof text === 'string' ? text : '';
  }

  async setTextContents(ref: NodeRef, text: string): Promise<boolean> {
    const [ok] = await this.call(ref, I.editableText, 'SetTextContents', 's', [text]);
    return ok === true;
  }

  /**
   * Action names as programs know them (`click`, `press`, `activate`): GetName per action, as
   * GetActions gives localized names, which Chromium leaves empty.
   */
  async actions(ref: NodeRef): Promise<string[]> {
    const [count] = await this.call(ref, I.properties, 'Get', 'ss', [I.action, 'NActions']);
    const n = unwrap(count);
    if (typeof n !== 'number' || n <= 0) return [];
    return Promise.all(
      Array.from({ length: Math.min(n, 32) }, async (_, index) => {
        const [name] = await this.call(ref, I.action, 'GetName', 'i', [index]);
        return typeof name === 'string' ? name : '';
      }),
    );
  }

  async doAction(ref: NodeRef, index: number): Promise<boolean> {
    const [ok] = await this.call(ref, I.action, 'DoAction', 'i', [index]);
    return ok === true;
  }

  async grabFocus(ref: NodeRef): Promise<boolean> {
    const [ok] = await this.call(ref, I.component, 'GrabFocus');
    return ok === true;
  }

  /** The process behind an app's bus name, asked of the bus itself (cached per name). */
  pidOf(bus: string): Promise<number | undefined> {
    let pid = this.pids.get(bus);
    if (!pid) {
      pid = this.connection
        .call({
          destination: 'org.freedesktop.DBus',
          path: '/org/freedesktop/DBus',
          interface: 'org.freedesktop.DBus',
          member: 'GetConnectionUnixProcessID',
          signature: 's',
          body: [bus],
        })
        .then(([value]) => (typeof value === 'number' ? value : undefined))
        .catch(() => undefined);
      this.pids.set(bus, pid);
      if (this.pids.size > 1000) this.pids.delete(this.pids.keys().next().value!);
    }
    return pid;
  }
}
