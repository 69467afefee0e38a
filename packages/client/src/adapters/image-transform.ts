import type { Region } from '@cua/computer-protocol';
import type { Size } from '../computer-types.js';
import { ToolInputError } from './tool-input-error.js';

export type { Size };
/** A rectangle on the screen, in screen pixels. */
export type ScreenRegion = Region;

/** How big a screenshot may be for a provider: every limit given applies. */
export interface ImageBudget {
  /** Longest edge, in pixels. */
  maxLongEdge?: number;
  /** Width times height. */
  maxPixels?: number;
  maxWidth?: number;
  maxHeight?: number;
}

/** What the server is asked for to produce an image of the predicted size. */
export interface CaptureRequest {
  max_width: number;
  max_height: number;
}

/**
 * The size the server makes of `source` when asked for `max_width` × `max_height`: one uniform
 * scale, never above 1, each side rounded. This mirrors the server's arithmetic so that a tool
 * definition can declare the screenshot size before the first screenshot is taken.
 */
export function serverImageSize(source: Size, request: CaptureRequest): Size {
  const scale = Math.min(1, request.max_width / source.width, request.max_height / source.height);
  return {
    width: Math.max(1, Math.round(source.width * scale)),
    height: Math.max(1, Math.round(source.height * scale)),
  };
}

/** The capture request that fits `source` into a budget, and the image size it gives. */
export function fitToBudget(source: Size, budget: ImageBudget): CaptureRequest & { size: Size } {
  let scale = 1;
  const longEdge = Math.max(source.width, source.height);
  if (budget.maxLongEdge !== undefined) scale = Math.min(scale, budget.maxLongEdge / longEdge);
  if (budget.maxPixels !== undefined) {
    scale = Math.min(scale, Math.sqrt(budget.maxPixels / (source.width * source.height)));
  }
  if (budget.maxWidth !== undefined) scale = Math.min(scale, budget.maxWidth / source.width);
  if (budget.maxHeight !== undefined) scale = Math.min(scale, budget.maxHeight / source.height);
  // Floor, not round: rounding up could land one pixel over a limit the provider enforces.
  const request = {
    max_width: Math.max(1, Math.floor(source.width * scale)),
    max_height: Math.max(1, Math.floor(source.height * scale)),
  };
  return { ...request, size: serverImageSize(source, request) };
}

/**
 * Maps between the pixels of a screenshot the model saw and the screen. Image pixel `i` covers
 * the span `[i·S/I, (i+1)·S/I)` of the screen on each axis (S screen size, I image size), as a
 * resampler aligned on pixel centres draws it; a point the model names goes to the screen
 * pixel nearest the middle of that span, whose centre lies inside it, so the click lands on
 * what that image pixel shows, at any scale. The two axes keep their own ratio: rounding the
 * image size makes them differ.
 */
export class ImageTransform {
  constructor(
    /** The part of the screen the image shows (the whole screen for a normal screenshot). */
    readonly region: ScreenRegion,
    readonly image: Size,
  ) {}

  static identity(screen: Size): ImageTransform {
    return new ImageTransform({ x: 0, y: 0, ...screen }, screen);
  }

  /** The screen pixel shown at image point (x, y); throws ToolInputError outside the image. */
  toScreen(x: number, y: number): { x: number; y: number } {
    checkPoint(x, y, this.image);
    return {
      x: this.region.x + axisToScreen(x, this.image.width, this.region.width),
      y: this.region.y + axisToScreen(y, this.image.height, this.region.height),
    };
  }

  /** The image pixel whose span holds the centre of screen pixel (x, y) (clamped). */
  toImage(x: number, y: number): { x: number; y: number } {
    return {
      x: axisToImage(x - this.region.x, this.region.width, this.image.width),
      y: axisToImage(y - this.region.y, this.region.height, this.image.height),
    };
  }

  /**
   * The screen rectangle an image rectangle `[x0, y0, x1, y1]` covers (corners in image pixels,
   * x1/y1 exclusive edges), widened to whole screen pixels.
   */
  regionToScreen(x0: number, y0: number, x1: number, y1: number): ScreenRegion {
    for (const value of [x0, y0, x1, y1]) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new ToolInputError(`region must be four numbers, got ${JSON.stringify(value)}`);
      }
    }
    const { width, height } = this.image;
    if (x0 < 0 || y0 < 0 || x1 > width || y1 > height || x1 <= x0 || y1 <= y0) {
      throw new ToolInputError(
        `region [${x0}, ${y0}, ${x1}, ${y1}] is not a non-empty rectangle inside the ${width}x${height} screenshot`,
      );
    }
    const sx = this.region.width / width;
    const sy = this.region.height / height;
    const left = Math.floor(x0 * sx);
    const top = Math.floor(y0 * sy);
    const right = Math.min(this.region.width, Math.ceil(x1 * sx));
    const bottom = Math.min(this.region.height, Math.ceil(y1 * sy));
    return {
      x: this.region.x + left,
      y: this.region.y + top,
      width: Math.max(1, right - left),
      height: Math.max(1, bottom - top),
    };
  }
}

function checkPoint(x: number, y: number, image: Size): void {
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x + y)) {
    throw new ToolInputError(
      `coordinates must be two numbers, got ${JSON.stringify(x)}, ${JSON.stringify(y)}`,
    );
  }
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) {
    throw new ToolInputError(
      `(${x}, ${y}) is outside the ${image.width}x${image.height} screenshot ` +
        `(x from 0 to ${image.width - 1}, y from 0 to ${image.height - 1})`,
    );
  }
}

function axisToScreen(value: number, imageSize: number, screenSize: number): number {
  const pixel = Math.floor(value);
  return Math.min(screenSize - 1, Math.floor(((pixel + 0.5) * screenSize) / imageSize));
}

function axisToImage(value: number, screenSize: number, imageSize: number): number {
  return Math.min(imageSize - 1, Math.max(0, Math.floor(((value + 0.5) * imageSize) / screenSize)));
}
