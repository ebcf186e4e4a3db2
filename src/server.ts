import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';

/** HTTP entry: configure, listen, close everything on SIGINT/SIGTERM. Nothing else lives here. */
const config = loadConfig();
const app = await buildApp(config);

closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
  if (err) app.log.error({ err }, 'closing after an error');
  else app.log.info(`closing on ${signal ?? 'request'}`);
  await app.close();
});

await app.listen({ host: config.host, port: config.port });
app.log.info(
  `hub ready: ${config.publicUrl}/ (API ${config.publicUrl}/api/v1, docs ${config.publicUrl}/docs, health ${config.publicUrl}/readyz)`,
);
