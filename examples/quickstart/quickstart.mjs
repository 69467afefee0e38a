// The client in five steps: what the server is, a screenshot, a click, some typing, the
// clipboard.
//
//   node examples/quickstart/quickstart.mjs [screenshot.png] [x y]
//
// CUA_URL says where the server is (default ws://127.0.0.1:8000/ws). Without x y it clicks the
// middle of the screen; CUA_TEXT replaces the text it types.
import { writeFile } from 'node:fs/promises';
import { Computer } from '@cua/computer-client';

const url = process.env.CUA_URL || 'ws://127.0.0.1:8000/ws';
const [out = 'screenshot.png', clickX, clickY] = process.argv.slice(2);
const text = process.env.CUA_TEXT ?? 'Hello from cua ✓';

const computer = new Computer({ url });
try {
  const { protocol, package: version, features = [] } = await computer.version();
  console.log(`server: ${version} (protocol ${protocol})`);
  console.log(`features: ${features.join(', ') || 'none'}`);

  const size = await computer.getScreenSize();
  console.log(`screen: ${size.width}x${size.height}`);

  // PNG is the default; `data` is the encoded file, ready to save.
  const shot = await computer.screenshot();
  await writeFile(out, shot.data);
  console.log(`screenshot: ${out} (${shot.width}x${shot.height} ${shot.format})`);

  // A click gives the window under the pointer the keyboard focus.
  const x = clickX === undefined ? Math.floor(size.width / 2) : Number(clickX);
  const y = clickY === undefined ? Math.floor(size.height / 2) : Number(clickY);
  await computer.leftClick(x, y);
  console.log(`clicked: ${x},${y}`);
  // The window manager moves the focus on its own time; let it, before typing.
  await new Promise((resolve) => setTimeout(resolve, 300));

  // Exact Unicode, whatever the keyboard layout of the target.
  await computer.typeText(text);
  console.log(`typed: ${JSON.stringify(text)}`);

  // Put something on the clipboard, then read it back (any X application could paste it now).
  await computer.setClipboard(`copied by the quickstart at ${new Date().toISOString()}`);
  console.log(`clipboard: ${await computer.getClipboard()}`);
} catch (error) {
  // One readable line instead of a stack trace: usually the server is not running.
  console.error(`quickstart failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  // Without close() the open socket keeps Node running.
  await computer.close();
}
