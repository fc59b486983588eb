// dd-trace is loaded by Node before the service, with `--import dd-trace/initialize.mjs` (the
// image's command, SERVICE_TRACING_FLAGS): in ES modules every static import of main.ts is
// evaluated before main.ts itself runs, so a tracer started from inside the service would patch
// express and pg after they were loaded, and ESM instrumentation needs dd-trace's loader hook,
// which only that flag registers ("ECMAScript Modules (ESM) Support" in dd-trace's README and
// Datadog's Node.js tracing docs, "ESM applications only: Import the loader"). dd-trace reads its
// own DD_* variables (DD_TRACE_ENABLED, DD_AGENT_HOST, DD_LOGS_INJECTION, ...).

/** The process-wide tracer dd-trace's bootstrap registers when it was loaded. */
function preloadedTracer(): unknown {
  return (globalThis as { _ddtrace?: unknown })._ddtrace;
}

/**
 * Why tracing cannot work as configured, or undefined when it can: DD_TRACE_ENABLED without
 * dd-trace loaded first would start a service whose traces silently never exist.
 */
export function tracingProblem(
  traceEnabled: boolean,
  tracer = preloadedTracer(),
): string | undefined {
  if (!traceEnabled || tracer !== undefined) return undefined;
  return 'DD_TRACE_ENABLED is true but dd-trace was not loaded before the service; start node with --import dd-trace/initialize.mjs (as the image does) or set DD_TRACE_ENABLED=false';
}
