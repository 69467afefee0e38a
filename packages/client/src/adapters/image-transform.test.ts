import { describe, expect, it } from 'vitest';
import { anthropicBudget, ANTHROPIC_IMAGE_LIMITS } from './anthropic-scaling.js';
import { fitToBudget, ImageTransform, serverImageSize, type Size } from './image-transform.js';
import { OPENAI_BUDGETS } from './openai-scaling.js';
import { GEMINI_BUDGET } from './gemini-grid.js';
import { ToolInputError } from './tool-input-error.js';

const SCREENS: Size[] = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
  { width: 2560, height: 1440 },
];

const BUDGETS = {
  'anthropic limits': () => ANTHROPIC_IMAGE_LIMITS,
  'anthropic reference': (s: Size) => anthropicBudget(s, 'reference'),
  'openai computer_use_preview': () => OPENAI_BUDGETS.computer_use_preview,
  'openai computer': () => OPENAI_BUDGETS.computer,
  gemini: () => GEMINI_BUDGET,
};

describe('fitToBudget', () => {
  it('keeps Anthropic screenshots within 1568 px and 1.15 MP, and 1280x800 unscaled', () => {
    for (const screen of SCREENS) {
      const { size } = fitToBudget(screen, ANTHROPIC_IMAGE_LIMITS);
      expect(Math.max(size.width, size.height)).toBeLessThanOrEqual(1568);
      expect(size.width * size.height).toBeLessThanOrEqual(1_150_000);
    }
    expect(fitToBudget(SCREENS[0]!, ANTHROPIC_IMAGE_LIMITS).size).toEqual(SCREENS[0]);
    expect(fitToBudget(SCREENS[1]!, ANTHROPIC_IMAGE_LIMITS).size).toEqual({
      width: 1429,
      height: 804,
    });
  });

  it('picks the reference XGA/WXGA/FWXGA target of the screen’s shape', () => {
    const size = (s: Size) => fitToBudget(s, anthropicBudget(s, 'reference')).size;
    expect(size({ width: 2560, height: 1600 })).toEqual({ width: 1280, height: 800 });
    expect(size({ width: 2048, height: 1536 })).toEqual({ width: 1024, height: 768 });
    // 16:9 → FWXGA 1366x768; one uniform scale gives 1365x768.
    expect(size({ width: 2560, height: 1440 })).toEqual({ width: 1365, height: 768 });
    // No larger than its target: the API limits apply instead.
    expect(size({ width: 1280, height: 800 })).toEqual({ width: 1280, height: 800 });
  });

  it('predicts exactly the size the server makes of the request', () => {
    for (const screen of SCREENS) {
      for (const budget of Object.values(BUDGETS)) {
        const fit = fitToBudget(screen, budget(screen));
        expect(serverImageSize(screen, fit)).toEqual(fit.size);
      }
    }
  });
});

describe.each(SCREENS)('the coordinate round trip on a $width x $height screen', (screen) => {
  it.each(Object.entries(BUDGETS))('%s: every screenshot pixel lands on itself', (_, budget) => {
    const { size } = fitToBudget(screen, budget(screen));
    const transform = new ImageTransform({ x: 0, y: 0, ...screen }, size);
    // Image pixel i shows the span [i·S/I, (i+1)·S/I) of the screen: the click must land on a
    // screen pixel whose centre is in there, and that pixel must map back to i.
    const check = (i: number, landed: number, image: number, length: number) => {
      const centre = landed + 0.5;
      expect(centre).toBeGreaterThanOrEqual((i * length) / image);
      expect(centre).toBeLessThan(((i + 1) * length) / image);
    };
    for (let x = 0; x < size.width; x++) {
      const landed = transform.toScreen(x, 0).x;
      check(x, landed, size.width, screen.width);
      expect(transform.toImage(landed, 0).x).toBe(x);
    }
    for (let y = 0; y < size.height; y++) {
      const landed = transform.toScreen(0, y).y;
      check(y, landed, size.height, screen.height);
      expect(transform.toImage(0, landed).y).toBe(y);
    }
    // The corners are on the screen.
    const last = transform.toScreen(size.width - 1, size.height - 1);
    expect(last.x).toBeLessThan(screen.width);
    expect(last.y).toBeLessThan(screen.height);
  });
});

describe('ImageTransform', () => {
  const transform = new ImageTransform(
    { x: 0, y: 0, width: 1920, height: 1080 },
    {
      width: 960,
      height: 540,
    },
  );

  it('rejects points outside the screenshot and non-numbers', () => {
    for (const [x, y] of [
      [-1, 0],
      [0, -1],
      [960, 0],
      [0, 540],
      [Number.NaN, 1],
      ['1', 2],
    ] as [number, number][]) {
      expect(() => transform.toScreen(x, y)).toThrow(ToolInputError);
    }
    expect(() => transform.toScreen(959, 539)).not.toThrow();
  });

  it('maps an image region to the screen pixels it covers', () => {
    expect(transform.regionToScreen(100, 50, 200, 150)).toEqual({
      x: 200,
      y: 100,
      width: 200,
      height: 200,
    });
    expect(() => transform.regionToScreen(10, 10, 5, 20)).toThrow(/non-empty rectangle/);
    expect(() => transform.regionToScreen(0, 0, 961, 10)).toThrow(ToolInputError);
  });

  it('offsets by the region a cropped image shows', () => {
    const crop = new ImageTransform(
      { x: 100, y: 200, width: 400, height: 300 },
      {
        width: 400,
        height: 300,
      },
    );
    expect(crop.toScreen(0, 0)).toEqual({ x: 100, y: 200 });
    expect(crop.toImage(150, 260)).toEqual({ x: 50, y: 60 });
  });
});
