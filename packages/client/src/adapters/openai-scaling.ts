import type { ImageBudget } from './image-transform.js';

export type OpenAIToolType = 'computer' | 'computer_use_preview';

/**
 * Screenshot budgets per tool. `computer_use_preview` declares its display size and its guide
 * uses 1024x768, the size the preview model was tuned on; screenshots fit inside that box.
 * The newer `computer` tool declares no size: the model points in the pixels of the image it
 * gets (sent at `detail: "original"`, not resized by the API), so larger is sharper; the box
 * here only bounds the tokens per step.
 */
export const OPENAI_BUDGETS: Readonly<Record<OpenAIToolType, ImageBudget>> = {
  computer_use_preview: { maxWidth: 1024, maxHeight: 768 },
  computer: { maxWidth: 1920, maxHeight: 1200 },
};

/**
 * Pixels of `scroll_x`/`scroll_y` per wheel notch. The models scroll in browser pixels, and a
 * browser scrolls 100 px per notch; any nonzero distance scrolls at least one notch.
 */
export const SCROLL_PX_PER_NOTCH = 100;

export function pixelsToNotches(pixels: number): number {
  if (pixels === 0) return 0;
  const notches = Math.round(Math.abs(pixels) / SCROLL_PX_PER_NOTCH);
  return Math.sign(pixels) * Math.max(1, notches);
}
