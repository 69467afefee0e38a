// Connects to a Computer Server and prints what it is.
// Usage: node examples/version.mjs [ws://127.0.0.1:8000/ws]
import { Computer } from '@cua/computer-client';

const computer = new Computer({ url: process.argv[2] ?? 'ws://127.0.0.1:8000/ws' });
try {
  const { protocol, package: version, features = [] } = await computer.version();
  console.log(`Computer Server ${version} (protocol ${protocol}); features: ${features.join(', ') || 'none'}`);
} finally {
  await computer.close();
}
