const BRAND = Symbol.for('@cua/computer-client/ToolInputError');

/**
 * The model asked for something the adapter cannot do as asked: an unknown action, a missing
 * or malformed field, a point outside the screenshot, an unknown key. Nothing was done on the
 * computer. Adapters report it to the model (Anthropic `is_error`, Gemini `error`) so it can
 * correct itself; OpenAI's tool output has no error form, so that adapter throws it.
 */
export class ToolInputError extends Error {
  readonly [BRAND] = true;

  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }

  /** True for a ToolInputError from any copy of this package (ESM and CJS alike). */
  static isInstance(value: unknown): value is ToolInputError {
    return typeof value === 'object' && value !== null && BRAND in value;
  }
}
