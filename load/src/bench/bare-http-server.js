// The HTTP ceiling for the bench: one Express 5 route on the same Node as the service, doing the
// least a webhook must (parse the JSON body, answer one acknowledgement per alert) and nothing
// the service adds (authentication, validation, the database). Started as a child process by the
// bench, so it gets its own event loop like the service does. Prints `listening <port>` once.
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.post('/api/v6/webhooks/ethoca', express.json({ limit: '256kb' }), (req, res) => {
  const body = req.body ?? {};
  const alerts = Array.isArray(body.alerts) ? body.alerts : [body];
  res.json({
    alertResponses: alerts.map((alert) => ({ alertId: alert.alertId ?? null, status: 'SUCCESS' })),
  });
});

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
});
