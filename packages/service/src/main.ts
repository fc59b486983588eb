// Process entry: the only file with side effects at start.
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 8080);
const server = createApp().listen(port, () => {
  console.log(`mastercom-service listening on http://127.0.0.1:${port} (GET /__ops/ping)`);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
  });
}
