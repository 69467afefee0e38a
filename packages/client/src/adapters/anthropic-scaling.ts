import type { ImageBudget, Size } from './image-transform.js';

/** Anthropic's vision limits: larger images are shrunk by the API before the model sees them. */
export const ANTHROPIC_IMAGE_LIMITS = { maxLongEdge: 1568, maxPixels: 1_150_000 } as const;

/** The sizes Anthropic's reference computer-use implementation scales screenshots to. */
export const ANTHROPIC_REFERENCE_TARGETS: readonly (Size & { name: string })[] = [
  { name: 'XGA', width: 1024, height: 768 },
  { name: 'WXGA', width: 1280, height: 800 },
  { name: 'FWXGA', width: 1366, height: 768 },
];

/**
 * `limits` (default): as large as the API keeps without shrinking (long edge ≤ 1568 px,
 * ≤ 1.15 MP). `reference`: the XGA/WXGA/FWXGA target of the screen's aspect ratio, as the
 * reference implementation does; a screen of another shape, or no larger than its target,
 * falls back to `limits`.
 */
export type AnthropicScaling = 'limits' | 'reference';

export function anthropicBudget(screen: Size, scaling: AnthropicScaling): ImageBudget {
  if (scaling === 'reference') {
    const ratio = screen.width / screen.height;
    const target = ANTHROPIC_REFERENCE_TARGETS.find(
      (t) => Math.abs(t.width / t.height - ratio) < 0.02 && t.width < screen.width,
    );
    if (target) return { maxWidth: target.width, maxHeight: target.height };
  }
  return ANTHROPIC_IMAGE_LIMITS;
}
