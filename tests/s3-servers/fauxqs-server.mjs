// Starts fauxqs on loopback only (its CLI binds 0.0.0.0); prints the port for the test fixture.
import { buildApp } from 'fauxqs';
const app = buildApp({ logger: false });
await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' });
console.log(`fauxqs listening on 127.0.0.1:${app.server.address().port}`);
