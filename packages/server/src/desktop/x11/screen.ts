import { CommandError } from '../../core/command-error.js';
import type { Monitor } from '../desktop.js';
import type { X11Connection } from './x11-connection.js';
import type {
  X11ImageClient,
  X11RandrCrtcInfo,
  X11RandrExtension,
  X11RandrOutputInfo,
} from './x11-extension-types.js';
import type { X11Event } from './x11-types.js';

const STRUCTURE_NOTIFY_MASK = 0x20000;
const RANDR_CONNECTED = 0;

interface ConfigureNotify extends X11Event {
  wid: number;
  width: number;
  height: number;
}

/**
 * The root window's size, kept current from its ConfigureNotify events (RandR resizes the root),
 * so `get_screen_size` and clamping need no round trip; and the monitors, read from RandR.
 */
export class X11Screen {
  private size: { width: number; height: number };
  private readonly resizeListeners = new Set<(size: { width: number; height: number }) => void>();
  // Read once and kept until RandR reports a change: `get_screen_size` includes the monitors
  // and must stay a call without round trips.
  private monitorsCache: Promise<Monitor[]> | undefined;

  private constructor(
    private readonly connection: X11Connection,
    private readonly randr: X11RandrExtension | undefined,
  ) {
    this.size = { ...connection.initialScreenSize };
    connection.onEvent((event) => {
      if (
        randr !== undefined &&
        event.type - randr.firstEvent >= 0 &&
        event.type - randr.firstEvent <= 1
      ) {
        this.monitorsCache = undefined;
      }
      if (event.name !== 'ConfigureNotify') return;
      const configure = event as ConfigureNotify;
      if (configure.wid !== connection.root) return;
      if (configure.width === this.size.width && configure.height === this.size.height) return;
      this.size = { width: configure.width, height: configure.height };
      this.monitorsCache = undefined;
      for (const listener of this.resizeListeners) listener(this.size);
    });
  }

  static async open(connection: X11Connection): Promise<X11Screen> {
    const client = connection.raw as X11ImageClient;
    client.ChangeWindowAttributes(connection.root, { eventMask: STRUCTURE_NOTIFY_MASK });
    const randr = await connection
      .call<X11RandrExtension>('QueryExtension(RANDR)', (raw, cb) =>
        (raw as X11ImageClient).require('randr', (error, ext) => {
          cb(error, ext as X11RandrExtension);
        }),
      )
      .catch((error: unknown) => {
        if (error instanceof CommandError && error.code === 'display_unavailable') throw error;
        return undefined;
      });
    randr?.SelectInput(
      connection.root,
      randr.NotifyMask.ScreenChange | randr.NotifyMask.CrtcChange | randr.NotifyMask.OutputChange,
    );
    await connection.sync();
    return new X11Screen(connection, randr);
  }

  get current(): { width: number; height: number } {
    return this.size;
  }

  get hasRandr(): boolean {
    return this.randr !== undefined;
  }

  onResize(listener: (size: { width: number; height: number }) => void): void {
    this.resizeListeners.add(listener);
  }

  /** Active CRTCs with their connected outputs' names; the whole screen without RandR. */
  monitors(): Promise<Monitor[]> {
    const cached = this.monitorsCache ?? this.readMonitors();
    this.monitorsCache = cached;
    cached.catch(() => {
      if (this.monitorsCache === cached) this.monitorsCache = undefined;
    });
    return cached.then((monitors) => monitors.map((monitor) => ({ ...monitor })));
  }

  private async readMonitors(): Promise<Monitor[]> {
    const randr = this.randr;
    const whole: Monitor = { name: 'screen', x: 0, y: 0, ...this.size, primary: true };
    if (randr === undefined) return [whole];
    const root = this.connection.root;
    const resources = await this.connection.call<{ config_timestamp: number; crtcs: number[] }>(
      'RRGetScreenResourcesCurrent',
      (_client, cb) => randr.GetScreenResourcesCurrent(root, cb),
    );
    const primary = await this.connection
      .call<number>('RRGetOutputPrimary', (_client, cb) => randr.GetOutputPrimary(root, cb))
      .catch(() => 0);
    const monitors: Monitor[] = [];
    for (const crtc of resources.crtcs) {
      const info = await this.connection.call<X11RandrCrtcInfo>('RRGetCrtcInfo', (_client, cb) =>
        randr.GetCrtcInfo(crtc, resources.config_timestamp, cb),
      );
      if (info.mode === 0 || info.width === 0) continue;
      const outputs: Array<{ id: number; info: X11RandrOutputInfo }> = [];
      for (const output of info.output) {
        const outputInfo = await this.connection.call<X11RandrOutputInfo>(
          'RRGetOutputInfo',
          (_client, cb) => randr.GetOutputInfo(output, resources.config_timestamp, cb),
        );
        if (outputInfo.connection === RANDR_CONNECTED)
          outputs.push({ id: output, info: outputInfo });
      }
      monitors.push({
        name: outputs.map((output) => output.info.name).join('+') || `crtc-${crtc}`,
        x: info.x,
        y: info.y,
        width: info.width,
        height: info.height,
        primary: outputs.some((output) => output.id === primary),
      });
    }
    if (monitors.length === 0) return [whole];
    if (!monitors.some((monitor) => monitor.primary)) monitors[0]!.primary = true;
    return monitors;
  }
}
