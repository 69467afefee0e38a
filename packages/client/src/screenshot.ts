// `screenshot`: the image bytes raw where the transport can carry them (`binary-images`), else
// decoded from the reply's base64.
import { splitCallOptions } from './call-options.js';
import type { Screenshot, ScreenshotOptions } from './computer-types.js';
import { captureParams } from './observation.js';
import { decodeReplyBytes, parseReply } from './reply-parsing.js';
import { binaryField, type Transport } from './transport.js';

export async function takeScreenshot(
  transport: Transport,
  options: ScreenshotOptions | undefined,
): Promise<Screenshot> {
  const [capture, call] = splitCallOptions(options);
  const params = captureParams(capture);
  const reply = await transport.request('screenshot', params, { ...call, binary: true });
  const result = parseReply('screenshot', reply);
  const shot: Screenshot = {
    data: binaryField(reply, 'image_data') ?? decodeReplyBytes('screenshot', result.image_data),
    format: result.format,
  };
  if (result.width !== undefined) shot.width = result.width;
  if (result.height !== undefined) shot.height = result.height;
  if (result.scale !== undefined) shot.scale = result.scale;
  return shot;
}
