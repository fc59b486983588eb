// Imported first by main.ts: dd-trace must load before the modules it instruments (http, express,
// pg). It reads its own DD_* variables; we only decide whether to start it at all.
if (process.env.DD_TRACE_ENABLED === 'true' || process.env.DD_TRACE_ENABLED === '1') {
  const { default: tracer } = await import('dd-trace');
  tracer.init({ logInjection: true, runtimeMetrics: true });
}

export {};
