import {
  ActionRunner,
  type ActionRunnerOptions,
  type CaptureSpec,
  type ComputerLike,
  type Shot,
  type Step,
} from './action-runner.js';
import {
  fitToBudget,
  ImageTransform,
  type CaptureRequest,
  type ImageBudget,
  type ScreenRegion,
  type Size,
} from './image-transform.js';

/** Options every adapter takes. */
export interface AdapterOptions extends ActionRunnerOptions {
  /** Screenshot encoding sent to the model (default `png`). */
  format?: 'png' | 'jpeg';
  /** JPEG quality, 1..95. */
  quality?: number;
}

/**
 * What the three adapters share: the screen's size, the size screenshots are shrunk to, and
 * the transform of the last screenshot sent to the model, which maps its coordinates back.
 */
export class ScreenSession {
  /** The transform of the screenshot the model saw last (the predicted one before any). */
  transform: ImageTransform;

  private constructor(
    readonly computer: ComputerLike,
    readonly runner: ActionRunner,
    readonly screen: Size,
    readonly fit: CaptureRequest & { size: Size },
    private readonly options: AdapterOptions,
  ) {
    this.transform = new ImageTransform({ x: 0, y: 0, ...screen }, fit.size);
  }

  /** Asks the server what it can do and how big the screen is. */
  static async open(
    computer: ComputerLike,
    budget: (screen: Size) => ImageBudget,
    options: AdapterOptions = {},
  ): Promise<ScreenSession> {
    const version = await computer.call('version');
    const { size } = await computer.call('get_screen_size');
    const runner = new ActionRunner(computer, version.features ?? [], options);
    return new ScreenSession(computer, runner, size, fitToBudget(size, budget(size)), options);
  }

  /** The size of the screenshots the model gets (declare it in tool definitions). */
  get imageSize(): Size {
    return this.fit.size;
  }

  /** Runs the steps, then takes the screenshot that answers them and keeps its transform. */
  async act(steps: readonly Step[]): Promise<Shot> {
    const shot = await this.runner.run(steps, this.capture());
    this.transform = new ImageTransform({ x: 0, y: 0, ...this.screen }, shot);
    return shot;
  }

  /** Runs the steps without a screenshot. */
  async perform(steps: readonly Step[]): Promise<void> {
    await this.runner.run(steps);
  }

  /**
   * A part of the screen at full resolution (shrunk only to stay within `budget`). The model
   * keeps pointing in the last full screenshot's pixels, so the transform does not change.
   */
  async region(region: ScreenRegion, budget: ImageBudget): Promise<Shot> {
    const { size: _size, ...fit } = fitToBudget(region, budget);
    return this.runner.screenshot({ ...this.capture(), fit, region });
  }

  private capture(): CaptureSpec {
    const spec: CaptureSpec = {
      format: this.options.format ?? 'png',
      fit: { max_width: this.fit.max_width, max_height: this.fit.max_height },
    };
    if (this.options.quality !== undefined) spec.quality = this.options.quality;
    return spec;
  }
}
