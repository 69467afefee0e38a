// Connects to a cua cloud container: the container name and an API key, both from the
// environment so the key never lands in the code or in shell history.
//
//   CUA_CONTAINER_NAME=my-box CUA_API_KEY=sk-... node examples/cloud/cloud.mjs [screenshot.png]
//
// It connects to wss://<name>.containers.cloud.trycua.com:8443/ws unless CUA_URL says otherwise
// (a self-hosted server started with --api-keys-file, for instance).
import { writeFile } from 'node:fs/promises';
import { AuthenticationError, Computer, ConnectionError } from '@cua/computer-client';

const containerName = process.env.CUA_CONTAINER_NAME;
const apiKey = process.env.CUA_API_KEY;
if (!containerName || !apiKey) {
  console.error('Set CUA_CONTAINER_NAME and CUA_API_KEY (see examples/cloud/README.md).');
  process.exit(2);
}
const out = process.argv[2] ?? 'cloud-screenshot.png';

// With a name and a key the client authenticates before anything else, on every (re)connect.
const computer = new Computer({
  containerName,
  apiKey,
  ...(process.env.CUA_URL ? { url: process.env.CUA_URL } : {}),
  connectTimeoutMs: 15_000,
});
console.log(`connecting to ${computer.url} as ${containerName}`);
try {
  const { package: version } = await computer.version();
  console.log(`server: ${version}`);

  const { stdout } = await computer.runCommand('hostname && uname -sr');
  const [host, system] = stdout.trim().split('\n');
  console.log(`host: ${host}`);
  console.log(`system: ${system}`);

  const shot = await computer.screenshot();
  await writeFile(out, shot.data);
  console.log(`screenshot: ${out} (${shot.width}x${shot.height} ${shot.format})`);
} catch (error) {
  // isInstance rather than instanceof: it also works across duplicate copies of the package.
  if (AuthenticationError.isInstance(error)) {
    console.error(
      `Authentication failed for container "${containerName}": check CUA_CONTAINER_NAME and ` +
        `CUA_API_KEY (the server said: ${error.message}).`,
    );
  } else if (ConnectionError.isInstance(error)) {
    console.error(`Could not reach ${computer.url}: ${error.message}`);
  } else {
    console.error(`cloud example failed: ${error.message}`);
  }
  process.exitCode = 1;
} finally {
  await computer.close();
}
